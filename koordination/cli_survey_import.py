"""`koordination surveys import-responses`: answers from an online form tool's CSV file."""

from __future__ import annotations

import argparse


def cmd_import_responses(args: argparse.Namespace) -> int:
    raise NotImplementedError
