"""Search finds every German spelling of a name: each word of the stored search text of people
and organisations is followed by its plain spelling ("müller muller", "strauß straus",
"mueller muller"), so "muller", "mueller" and "Müller" find one another. Data only, no schema
change.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 12:00:00
"""

import logging
import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")

# The rule of koordination/services/directory/search.py as it was when this ran (a migration
# never changes).
_SPELLED_OUT = re.compile(r"ae|oe|ue")
_ESSES = re.compile(r"s{2,}")
_MAX = 600
_CHUNK = 2000


def _plain(word: str) -> str:
    if not word.isascii():
        word = word.replace("ß", "ss")
        word = "".join(
            ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch)
        )
    return _ESSES.sub("s", _SPELLED_OUT.sub(lambda m: m.group(0)[0], word))


def _searchable(text: str) -> str:
    words = text.lower().split()
    seen = set(words)
    out: list[str] = []
    for word in words:
        out.append(word)
        plain = _plain(word)
        if plain not in seen:
            seen.add(plain)
            out.append(plain)
    return " ".join(out)


def _recompute(table: str, bound: int | None) -> int:
    conn = op.get_bind()
    t = sa.table(table, sa.column("id", sa.Integer), sa.column("search_text", sa.Text))
    update = (
        sa.update(t)
        .where(t.c.id == sa.bindparam("row_id"))
        .values(search_text=sa.bindparam("text"))
    )
    changed: list[dict[str, object]] = []
    count = 0
    rows = conn.execute(sa.select(t.c.id, t.c.search_text).where(t.c.search_text != "")).all()
    for row_id, text in rows:
        new = _searchable(text)
        if bound is not None:
            new = new[:bound]
        if new != text:
            changed.append({"row_id": row_id, "text": new})
        if len(changed) >= _CHUNK:
            conn.execute(update, changed)
            count += len(changed)
            changed = []
    if changed:
        conn.execute(update, changed)
        count += len(changed)
    return count


def upgrade() -> None:
    # Only the stored search text changes: versions stay, so no open form becomes stale.
    people = _recompute("person", _MAX)
    organisations = _recompute("organisation", None)
    log.info(
        "Suche: %d Personen und %d Organisationen auch in einfacher Schreibweise auffindbar "
        "(Müller, Mueller, Muller).",
        people,
        organisations,
    )


def downgrade() -> None:
    # The older version searches the same column; the added spellings only widen its matches.
    pass
