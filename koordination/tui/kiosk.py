"""Kiosk mode: the whole screen is one survey's questionnaire, nothing else is reachable."""

from __future__ import annotations

from koordination.db.engine import Database


def run_kiosk(db: Database, survey_id: int) -> int:
    raise NotImplementedError
