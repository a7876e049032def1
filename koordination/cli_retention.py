"""Command-line faces of data protection (retention)."""

from __future__ import annotations

import argparse


def cmd_retention(args: argparse.Namespace) -> int:
    raise NotImplementedError


def cmd_audit(args: argparse.Namespace) -> int:
    raise NotImplementedError
