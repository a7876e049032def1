"""Phone numbers in one normal form: every number the numbering plan knows becomes E.164
(+495611234567); the others stay as typed. Data only, no schema change.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 12:00:00
"""

import logging
import re
from collections.abc import Sequence

import phonenumbers
import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")

# The rule of koordination/domain/phones.py as it was when this ran (a migration never changes).
_ALLOWED = re.compile(r"^\+?[0-9 ()/.\-]{3,40}$")


def _e164(text: str) -> str | None:
    value = text.strip()
    if not _ALLOWED.match(value) or sum(ch.isdigit() for ch in value) < 5:
        return None
    try:
        number = phonenumbers.parse(value, "DE")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _normalise(table: str, column: str) -> tuple[int, int]:
    conn = op.get_bind()
    t = sa.table(table, sa.column("id", sa.Integer), sa.column(column, sa.String))
    changed = kept = 0
    rows = conn.execute(sa.select(t.c.id, t.c[column]).where(t.c[column] != "")).all()
    for row_id, number in rows:
        normal = _e164(number)
        if normal is None:
            kept += 1
        elif normal != number:
            conn.execute(sa.update(t).where(t.c.id == row_id).values({column: normal}))
            changed += 1
    return changed, kept


def upgrade() -> None:
    changed = kept = 0
    for table, column in (
        ("person_phone", "number"),
        ("organisation", "phone"),
        ("city_profile", "office_phone"),
    ):
        c, k = _normalise(table, column)
        changed += c
        kept += k
    log.info(
        "Telefonnummern: %d einheitlich gespeichert (+49 …), %d nicht erkannt und wie "
        "eingegeben belassen.",
        changed,
        kept,
    )


def downgrade() -> None:
    # The typed spelling is gone; E.164 numbers are valid input for the older version.
    pass
