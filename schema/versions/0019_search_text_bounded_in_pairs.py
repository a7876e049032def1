"""A person's stored search text, where it reached its bound of 600 characters, is cut at a
word's end and keeps each written word together with its plain spelling ("müller muller"):
the search then finds most terms with one pattern instead of two. Data only, no schema change;
only texts at the bound change (people with many addresses or organisations).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08 09:00:00
"""

import logging
import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")

# The rule of koordination/services/directory/search.py as it was when this ran (a migration
# never changes).
_SPELLED_OUT = re.compile(r"ae|oe|ue")
_ESSES = re.compile(r"s{2,}")
_MAX = 600


def _plain(word: str) -> str:
    if not word.isascii():
        word = word.replace("ß", "ss")
        word = "".join(
            ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch)
        )
    return _ESSES.sub("s", _SPELLED_OUT.sub(lambda m: m.group(0)[0], word))


def _bounded(text: str) -> str:
    out: list[str] = []
    kept: set[str] = set()
    size = -1
    for word in text.split():
        if word in kept:
            continue
        plain = _plain(word)
        words = (word,) if plain == word or plain in kept else (word, plain)
        grown = size + sum(len(w) + 1 for w in words)
        if grown > _MAX:
            break
        out.extend(words)
        kept.update(words)
        size = grown
    return " ".join(out)


def upgrade() -> None:
    # Only the stored search text changes: versions stay, so no open form becomes stale.
    conn = op.get_bind()
    person = sa.table("person", sa.column("id", sa.Integer), sa.column("search_text", sa.Text))
    rows = conn.execute(
        sa.select(person.c.id, person.c.search_text).where(
            sa.func.length(person.c.search_text) >= _MAX
        )
    ).all()
    changed = [
        {"row_id": row_id, "text": new} for row_id, text in rows if (new := _bounded(text)) != text
    ]
    if changed:
        conn.execute(
            sa.update(person)
            .where(person.c.id == sa.bindparam("row_id"))
            .values(search_text=sa.bindparam("text")),
            changed,
        )
    log.info("Suche: %d lange Suchtexte von Personen neu zugeschnitten.", len(changed))


def downgrade() -> None:
    # The older version searches the same column with both patterns: the texts serve it as well.
    pass
