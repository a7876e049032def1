"""`koordination check eligibility`, `steckbrief`, `report annual` and `export oparl`."""

from __future__ import annotations

import argparse


def cmd_eligibility(args: argparse.Namespace) -> int:
    raise NotImplementedError


def cmd_steckbrief(args: argparse.Namespace) -> int:
    raise NotImplementedError


def cmd_annual_report(args: argparse.Namespace) -> int:
    raise NotImplementedError
