"""A running Radicale CalDAV server as tests see it (started in tests/e2e/conftest.py)."""

from __future__ import annotations

import base64
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

RADICALE_USER = "koordination"
RADICALE_PASSWORD = "beliebig"  # --auth-type none accepts any password for any user


@dataclass(frozen=True)
class RadicaleServer:
    """A running Radicale: ``base_url`` ends with a slash; the user's collections live below it."""

    base_url: str
    folder: Path
    username: str = RADICALE_USER
    password: str = RADICALE_PASSWORD

    def request(
        self, method: str, url: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        """One HTTP request with the user's credentials; returns status and body (no raising)."""
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        request = urllib.request.Request(url, data=body or None, method=method)
        request.add_header("Authorization", f"Basic {token}")
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def new_calendar(self, name: str | None = None) -> str:
        """A fresh, empty calendar (MKCALENDAR); returns its URL with a trailing slash."""
        url = f"{self.base_url}{self.username}/{name or uuid.uuid4().hex}/"
        status, body = self.request("MKCALENDAR", url)
        if status != 201:
            raise RuntimeError(f"MKCALENDAR {url} failed: {status} {body!r}")
        return url
