"""Writing output files: the one atomic writer (temporary file beside the target, fsync,
rename) and the one slug that turns a title into a file-name stem."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO, cast

from koordination.errors import KoordinationError

_GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_LENGTH = 40


def slug(text: str, *, fallback: str = "") -> str:
    """The one file-name stem for a title: ``Engagement in Gießen 2026`` →
    ``engagement-in-giessen-2026``.

    The rule: lower case; German umlauts and ß spelled out (ä → ae, ö → oe, ü → ue, ß → ss);
    other accents dropped (é → e); every run of anything but a-z and 0-9 becomes one hyphen;
    no hyphen at either end; at most 40 characters. What is left survives every file system,
    e-mail program and USB stick. A title with nothing usable in it gives ``fallback``.
    """
    folded = unicodedata.normalize("NFKD", text.lower().translate(_GERMAN_LETTERS))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii")
    stem = _NOT_SLUG.sub("-", ascii_text).strip("-")[:SLUG_LENGTH].strip("-")
    return stem or fallback


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
