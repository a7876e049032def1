"""Integration fixtures: a real Radicale CalDAV server on 127.0.0.1, started once per session."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from radicale_server import RadicaleServer
from support.dovecot import dovecot, office_mailbox  # noqa: F401 (fixtures)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_answering(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"Radicale exited with {process.returncode}:\n{log.read_text(errors='replace')}"
            )
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return  # any HTTP answer means it is serving
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"Radicale did not answer within 30 s:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def radicale() -> Iterator[RadicaleServer]:
    """A Radicale CalDAV server of its own (no auth, filesystem storage in a temporary folder)."""
    folder = Path(tempfile.mkdtemp(prefix="koordination-radicale-"))
    port = _free_port()
    log = folder / "server.log"
    args = [
        sys.executable,
        "-m",
        "radicale",
        "--config",
        "",  # read no system or user configuration
        "--server-hosts",
        f"127.0.0.1:{port}",
        "--storage-filesystem-folder",
        str(folder / "collections"),
        "--auth-type",
        "none",
        "--auth-delay",
        "0",  # refused requests answer at once: tests check those too
        "--rights-type",
        "owner_only",
        "--logging-level",
        "warning",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, cwd=folder, env={**os.environ}
        )
    base_url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_answering(process, base_url, log)
    except RuntimeError as exc:
        process.kill()
        process.wait(timeout=10)
        pytest.fail(f"Radicale-Testserver startet nicht: {exc}", pytrace=False)
    try:
        yield RadicaleServer(base_url=base_url, folder=folder)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
