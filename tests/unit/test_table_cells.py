"""A spreadsheet's typed cells arrive as the German text the importers' validators read."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from koordination.services.tables.cells import cell_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("0561 123", "0561 123"),
        (True, "Ja"),
        (False, "Nein"),
        (date(2026, 3, 1), "01.03.2026"),
        (datetime(2026, 3, 1), "01.03.2026"),  # Excel's date: a datetime at midnight
        (datetime(2026, 9, 14, 10, 22), "14.09.2026 10:22"),
        (datetime(2026, 9, 14, 10, 22, 3), "14.09.2026 10:22:03"),
        (time(9, 5), "09:05"),
        (timedelta(hours=1, minutes=30), "1:30"),
        (1250, "1250"),
        (1250.0, "1250"),  # Excel stores every number as a float
        (3.5, "3,5"),
        (Decimal("3.50"), "3,50"),
        (Decimal("12"), "12"),
        (float("inf"), "inf"),
    ],
)
def test_cell_values_as_german_text(value: object, text: str) -> None:
    assert cell_text(value) == text
