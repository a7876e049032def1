"""Invitations as files: one folder per meeting, one .ics per recipient, each written atomically."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from koordination.errors import KoordinationError
from koordination.files import fsync_folder, write_bytes

#: Longest file name stem we make; leaves room for " (999).ics" within any file system's 255.
MAX_STEM = 80

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_SPACES = re.compile(r"\s+")
# Names Windows refuses whatever the extension (the files may end up on a shared drive).
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10))} | {
    f"LPT{i}" for i in range(1, 10)
}


def safe_name(label: str, *, fallback: str = "einladung") -> str:
    """A file or folder name from a person's or meeting's name: umlauts stay, separators go.

    No path separators, no control characters, no leading dot (hidden files) or trailing dot
    and space (Windows), at most :data:`MAX_STEM` characters.
    """
    name = unicodedata.normalize("NFC", label)
    name = _UNSAFE.sub(" ", name)
    name = _SPACES.sub(" ", name).strip(" .")
    name = name[:MAX_STEM].rstrip(" .")
    if not name or name.split(".")[0].upper() in _RESERVED:
        name = f"{fallback} {name}".strip() if name else fallback
    return name


def write_invitations(folder: Path, files: list[tuple[str, bytes]]) -> list[Path]:
    """Writes ``(recipient label, ics bytes)`` pairs as ``folder/<label>.ics``; returns the paths.

    Each file appears complete or not at all (temporary file and rename) and is readable by its
    owner only (0o600): invitations carry names and addresses. Labels that come out the same
    (also when only upper/lower case differs) get " (2)", " (3)", … .
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise _cannot_write(folder, exc) from exc
    names = _unique_names([label for label, _ in files])
    written: list[Path] = []
    for name, (_, content) in zip(names, files, strict=True):
        target = folder / name
        write_bytes(target, content, error=_cannot_write)
        written.append(target)
    fsync_folder(folder)
    return written


def _unique_names(labels: list[str]) -> list[str]:
    seen: set[str] = set()
    names: list[str] = []
    for label in labels:
        stem = safe_name(label)
        name = f"{stem}.ics"
        number = 1
        # Case-insensitive, because macOS and Windows file systems are.
        while name.casefold() in seen:
            number += 1
            name = f"{stem} ({number}).ics"
        seen.add(name.casefold())
        names.append(name)
    return names


def _cannot_write(target: Path, exc: OSError) -> KoordinationError:
    return KoordinationError(
        f"Die Einladung {target} kann nicht geschrieben werden ({exc.strerror or exc})."
    )
