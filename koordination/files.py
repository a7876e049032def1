"""The one atomic writer for files and folders: nothing appears half-written, nothing is shared.

Every file the program writes for a person to read or pass on (exports, documents, invitations,
mappings, the OParl folder) goes through here: a temporary file created exclusively beside the
target (``mkstemp``: mode 0o600 whatever the umask says, never following a symlink), written,
fsynced and renamed into place. A crash or an error leaves the previous file (or none).

It sits at the bottom of the package, beside ``errors`` and ``paths``, because writers on
several layers need it (``outputs``, ``delivery``) and those layers must not import each other.
Database dumps and restores (``db.engine.sqlite_backup``, ``db.backup``) are not file writes in
this sense: the database engine writes them, they keep their own temporary names.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO, cast

from koordination.errors import KoordinationError

#: Turns a failed write into the error a user sees (what could not be written, and why).
CannotWrite = Callable[[Path, OSError], Exception]


def cannot_write(target: Path, exc: OSError) -> KoordinationError:
    """The default error: names the file and the reason, and says nothing changed."""
    return KoordinationError(
        f"Die Datei {target} kann nicht geschrieben werden ({exc.strerror or exc}). "
        "Es wurde nichts verändert."
    )


@contextlib.contextmanager
def atomic_text(
    target: Path | str,
    *,
    encoding: str = "utf-8",
    newline: str = "",
    error: CannotWrite = cannot_write,
) -> Iterator[TextIO]:
    """A text file that appears at ``target`` only when the block ends without an error."""
    with _atomic(Path(target), "w", error, encoding=encoding, newline=newline) as fh:
        yield cast(TextIO, fh)


@contextlib.contextmanager
def atomic_bytes(target: Path | str, *, error: CannotWrite = cannot_write) -> Iterator[BinaryIO]:
    """A binary file that appears at ``target`` only when the block ends without an error."""
    with _atomic(Path(target), "wb", error) as fh:
        yield cast(BinaryIO, fh)


def write_bytes(target: Path | str, data: bytes, *, error: CannotWrite = cannot_write) -> Path:
    """``data`` written atomically to ``target``; returns the path."""
    target = Path(target)
    with atomic_bytes(target, error=error) as fh:
        fh.write(data)
    return target


def write_text(
    target: Path | str, text: str, *, encoding: str = "utf-8", error: CannotWrite = cannot_write
) -> Path:
    """``text`` written atomically to ``target`` (line ends as given); returns the path."""
    target = Path(target)
    with atomic_text(target, encoding=encoding, error=error) as fh:
        fh.write(text)
    return target


@contextlib.contextmanager
def _atomic(target: Path, mode: str, error: CannotWrite, **options: Any) -> Iterator[IO[Any]]:
    """Files hold personal data, so they are readable by their owner only (0o600); a crash
    or an error leaves the previous file (or none) and no half-written one."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # mkstemp creates the file with mode 0o600 (O_EXCL, never through a symlink).
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise error(target, exc) from exc
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
            raise error(target, exc) from exc
        raise
    fsync_folder(target.parent)


@contextlib.contextmanager
def atomic_folder(
    target: Path | str,
    *,
    check: Callable[[Path], None] = lambda _target: None,
    error: CannotWrite = cannot_write,
) -> Iterator[Path]:
    """A folder that appears at ``target`` only when the block ends without an error.

    The block fills the temporary sibling folder it is given (readable by its owner only);
    afterwards every file in it is made durable and the folder renamed into place. An empty
    folder at ``target`` is replaced; a non-empty one only if ``check(target)`` does not raise,
    asked before anything is written and again just before the swap. The previous folder stays
    if the swap fails.
    """
    target = Path(target)
    try:
        check(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        # mkdtemp makes the folder readable by its owner only.
        tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    except OSError as exc:
        raise error(target, exc) from exc
    try:
        yield tmp
        for path in tmp.iterdir():
            _fsync_file(path)
        fsync_folder(tmp)
        _swap_into_place(tmp, target, check)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise error(target, exc) from exc
        raise
    fsync_folder(target.parent)


def _swap_into_place(tmp: Path, target: Path, check: Callable[[Path], None]) -> None:
    if target.is_dir() and not any(target.iterdir()):
        target.rmdir()
    if not target.exists():
        os.replace(tmp, target)
        return
    check(target)  # still replaceable, checked again just before replacing it
    old = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.old")
    os.replace(target, old)
    try:
        os.replace(tmp, target)
    except OSError:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _fsync_file(path: Path) -> None:
    if not path.is_file():
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Makes renames in ``folder`` durable; not possible on every platform, hence best effort."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
