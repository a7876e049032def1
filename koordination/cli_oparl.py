"""`koordination export oparl`: the network as open data shaped after OParl 1.1."""

from __future__ import annotations

import argparse


def cmd_export_oparl(args: argparse.Namespace) -> int:
    raise NotImplementedError
