"""`koordination surveys list|results|questionnaire|publish`: listings, reports, questionnaires."""

from __future__ import annotations

import argparse


def cmd_list(args: argparse.Namespace) -> int:
    raise NotImplementedError


def cmd_results(args: argparse.Namespace) -> int:
    raise NotImplementedError


def cmd_questionnaire(args: argparse.Namespace) -> int:
    raise NotImplementedError


def cmd_publish(args: argparse.Namespace) -> int:
    raise NotImplementedError
