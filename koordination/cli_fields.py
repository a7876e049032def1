"""`koordination fields list`: the action fields with goals and measures."""

from __future__ import annotations

import argparse


def cmd_fields_list(args: argparse.Namespace) -> int:
    raise NotImplementedError
