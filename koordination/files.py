"""The one atomic writer for files and folders: nothing appears half-written, nothing is shared.

Every file the program writes for a person to read or pass on (exports, documents, invitations,
mappings, the OParl folder) goes through here: a temporary file created exclusively beside the
target (``O_CREAT | O_EXCL | O_NOFOLLOW``, mode 0o600 whatever the umask says, an unpredictable
name), written, fsynced and renamed into place. A crash or an error leaves the previous file (or
none). Database backups and restores (``db.dumps``, ``db.backup``) take their temporary files
and folders from here too, so every temporary name of the program has one pattern: a killed
run's leftovers are recognised by it and removed by the next run that writes into the same
folder (:func:`sweep_stale`), and nothing else is.

It sits at the bottom of the package, beside ``errors`` and ``paths``, because writers on
several layers need it (``outputs``, ``delivery``, ``db``) and those layers must not import
each other.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shutil
import stat
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO, cast

from koordination.errors import KoordinationError

#: Turns a failed write into the error a user sees (what could not be written, and why).
CannotWrite = Callable[[Path, OSError], Exception]


def cannot_write(target: Path, exc: OSError) -> KoordinationError:
    """The default error: names the file and the reason, and says nothing changed."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return KoordinationError(
            f"Die Datei {target} kann nicht geschrieben werden: Der Speicherplatz reicht nicht "
            "aus. Es wurde nichts verändert. Bitte Speicherplatz freigeben (alte Sicherungen, "
            "Exporte) und erneut versuchen."
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return KoordinationError(
            f"Die Datei {target} kann nicht geschrieben werden (keine Schreibrechte). Es wurde "
            "nichts verändert. Bitte die Zugriffsrechte des Ordners prüfen oder einen anderen "
            "wählen."
        )
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


#: How old a temporary file or folder of ours must be to count as left behind by a killed run.
STALE_AFTER_SECONDS = 3600
#: Our temporary names: ``.<target>.<random>.tmp`` (``tempfile``'s 8 characters from earlier
#: versions, 16 hexadecimal digits now), with SQLite's side files. Nothing else is swept.
_OURS = re.compile(r"^\..+\.[a-z0-9_]{8,32}\.tmp(-journal|-wal|-shm)?$")
_swept: set[Path] = set()


def temporary_name(target: Path) -> Path:
    """An unpredictable name beside ``target`` in our one pattern (created by the callers)."""
    return target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")


def create_temporary(target: Path) -> tuple[int, Path]:
    """A new, empty temporary file beside ``target``, open for writing: created exclusively
    (a file or symlink already at the name is an error, never followed or truncated), readable
    by its owner only whatever the umask says. Sweeps the folder's stale leftovers first."""
    sweep_stale(target.parent)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    for _attempt in range(100):
        tmp = temporary_name(target)
        try:
            fd = os.open(tmp, flags, 0o600)
        except FileExistsError:
            continue
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)  # exactly 0o600, whatever the umask took away
        return fd, tmp
    raise FileExistsError(f"no free temporary name beside {target}")


def temporary_folder(target: Path) -> Path:
    """A new temporary folder beside ``target`` (owner only, created exclusively, our pattern)."""
    sweep_stale(target.parent)
    return Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))


@contextlib.contextmanager
def temporary_beside(target: Path) -> Iterator[tuple[BinaryIO, Path]]:
    """A fresh temporary file beside ``target`` (see :func:`create_temporary`), open for
    binary writing, for a writer that is not Python (a database engine, ``pg_dump``). It is
    closed when the block ends and removed unless the block renamed it into place."""
    fd, tmp = create_temporary(target)
    fh = os.fdopen(fd, "wb")
    try:
        yield fh, tmp
    finally:
        fh.close()
        with contextlib.suppress(OSError):
            tmp.unlink()


def sweep_stale(folder: Path, *, older_than: float = STALE_AFTER_SECONDS) -> list[Path]:
    """Remove our temporary files and folders in ``folder`` that a killed run left behind.

    Only names in our pattern, only regular files and folders (a symlink is never touched or
    followed), only those of this user, only those untouched for ``older_than`` seconds: a
    run still writing keeps its file. Once per folder and process; returns what was removed.
    """
    key = folder.absolute()
    if key in _swept and older_than == STALE_AFTER_SECONDS:
        return []
    _swept.add(key)
    limit = time.time() - older_than
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not _OURS.match(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
        if not mine or info.st_mtime >= limit:
            continue
        path = Path(entry.path)
        with contextlib.suppress(OSError):
            if stat.S_ISDIR(info.st_mode):
                shutil.rmtree(path)
            elif stat.S_ISREG(info.st_mode):
                path.unlink()
            else:
                continue
            removed.append(path)
    return removed


@contextlib.contextmanager
def _atomic(target: Path, mode: str, error: CannotWrite, **options: Any) -> Iterator[IO[Any]]:
    """Files hold personal data, so they are readable by their owner only (0o600); a crash
    or an error leaves the previous file (or none) and no half-written one."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = create_temporary(target)
    except OSError as exc:
        raise error(target, exc) from exc
    try:
        with os.fdopen(fd, mode, **options) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
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
        tmp = temporary_folder(target)
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


def try_lock(fd: int) -> bool:
    """Take the exclusive lock of the open file ``fd`` without waiting; ``False`` when another
    process holds it. Closing ``fd`` releases it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
