"""Writing an export file atomically: a temporary file beside the target, fsync, rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO, cast

from koordination.errors import KoordinationError


def _cannot_write(target: Path, exc: OSError) -> KoordinationError:
    return KoordinationError(
        f"Die Datei {target} kann nicht geschrieben werden ({exc.strerror or exc}). "
        "Es wurde nichts verändert."
    )


@contextlib.contextmanager
def atomic_text(target: Path, *, encoding: str = "utf-8", newline: str = "") -> Iterator[TextIO]:
    """A text file that appears at ``target`` only when the block ends without an error."""
    with _atomic(target, "w", encoding=encoding, newline=newline) as fh:
        yield cast(TextIO, fh)


@contextlib.contextmanager
def atomic_bytes(target: Path) -> Iterator[BinaryIO]:
    """A binary file that appears at ``target`` only when the block ends without an error."""
    with _atomic(target, "wb") as fh:
        yield cast(BinaryIO, fh)


@contextlib.contextmanager
def _atomic(target: Path, mode: str, **options: Any) -> Iterator[IO[Any]]:
    """Exports hold personal data, so the file is readable by its owner only (0o600); a crash
    or an error leaves the previous file (or none) and no half-written one."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # mkstemp creates the file with mode 0o600, whatever the umask says.
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise _cannot_write(target, exc) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, mode, **options) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise _cannot_write(target, exc) from exc
        raise
    _fsync_folder(target.parent)


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not possible on every platform, hence best effort.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
