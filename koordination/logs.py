"""The log: a rotating file in the data folder with every unexpected error; stderr when asked."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

from koordination.paths import log_file

#: Size of one log file before it is rotated, and how many old ones are kept.
MAX_BYTES = 1_000_000
BACKUPS = 3

log = logging.getLogger("koordination")


class _PrivateRotatingFile(logging.handlers.RotatingFileHandler):
    """Opened on the first record only (a `--help` writes nothing), owner-readable only: a
    traceback may show a name from the directory."""

    def _open(self):  # type: ignore[no-untyped-def]
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.baseFilename, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600)
        return os.fdopen(fd, self.mode, encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:
        # A log that cannot be written (read-only folder, full disk) must not add a second,
        # English traceback to the first error; the caller says the log is missing.
        self.failed = True

    failed = False


def setup(verbosity: int = 0) -> Path:
    """Logging for one run: warnings and errors into the log file; with ``verbosity`` > 0 also
    what happens on stderr. Returns the log file's path."""
    path = log_file()
    log.handlers.clear()
    log.setLevel(logging.DEBUG if verbosity > 0 else logging.WARNING)
    log.propagate = False
    to_file = _PrivateRotatingFile(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
    )
    to_file.setLevel(logging.WARNING)
    to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(to_file)
    if verbosity > 0:
        to_stderr = logging.StreamHandler(sys.stderr)
        to_stderr.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        log.addHandler(to_stderr)
    return path


def unexpected(exc: BaseException, what: str) -> Path | None:
    """Writes the traceback of ``exc`` into the log file; returns where it went (``None``: the
    file could not be written)."""
    if not log.handlers:
        setup()
    log.error("Unerwarteter Fehler bei %s", what, exc_info=(type(exc), exc, exc.__traceback__))
    files = [h for h in log.handlers if isinstance(h, _PrivateRotatingFile)]
    if not files or files[0].failed:
        return None
    files[0].flush()
    return Path(files[0].baseFilename)
