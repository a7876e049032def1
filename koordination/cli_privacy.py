"""Command-line faces of data protection (privacy)."""

from __future__ import annotations

import argparse


def cmd_export_data(args: argparse.Namespace) -> int:
    raise NotImplementedError


def cmd_erase(args: argparse.Namespace) -> int:
    raise NotImplementedError
