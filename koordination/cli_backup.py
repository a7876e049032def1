"""Command-line faces of data protection (backup)."""

from __future__ import annotations

import argparse


def cmd_restore(args: argparse.Namespace) -> int:
    raise NotImplementedError


def cmd_auto_backup(args: argparse.Namespace) -> int:
    raise NotImplementedError
