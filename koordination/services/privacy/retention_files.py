"""The retention rules on files of this computer: the exports folder, and the backups
koordination writes itself (copies before an upgrade and before a restore, the daily backup).

Only regular files count (never a symlink, never what a link points to); a file's age is its
last change. Of every kind of backup the newest file stays, whatever its age: a rule must
never leave the office without any backup.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from koordination.domain.inputs.validation import format_date
from koordination.domain.models import AppSetting
from koordination.services.privacy.retention_rules import Target, city_day

if TYPE_CHECKING:
    from koordination.db.engine import Database


@dataclass(frozen=True)
class _File:
    path: Path
    day: date
    size: int
    mtime: int


def _regular(path: Path) -> _File | None:
    try:
        info = path.lstat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    day = city_day(datetime.fromtimestamp(info.st_mtime, UTC))
    assert day is not None
    return _File(path, day, info.st_size, info.st_mtime_ns)


def _size(n: int) -> str:
    if n < 1000 * 1000:
        return f"{max(n, 1) / 1000:.1f} kB".replace(".", ",")
    return f"{n / 1000**2:.1f} MB".replace(".", ",")


def _target(number: int, found: _File, what: str = "") -> Target:
    prefix = f"{what}: " if what else ""
    return Target(
        "file",
        number,
        f"{prefix}{found.path} ({_size(found.size)}, zuletzt geändert am {format_date(found.day)})",
        path=str(found.path),
    )


def targets(kind: str, session: Session, db: Database | None, cutoff: date) -> tuple[Target, ...]:
    """The files rule ``kind`` (``exports`` or ``backups``) deletes: changed before
    ``cutoff``, in path order."""
    if kind == "exports":
        return export_targets(cutoff)
    if db is None:
        return ()
    found = []
    for what, series in backup_series(db, session):
        newest = max(series, key=lambda f: (f.mtime, str(f.path)), default=None)
        found += [(what, f) for f in series if f is not newest and f.day < cutoff]
    found.sort(key=lambda pair: str(pair[1].path))
    return tuple(_target(n, f, what) for n, (what, f) in enumerate(found, start=1))


def export_targets(cutoff: date, folder: Path | None = None) -> tuple[Target, ...]:
    """Files in the exports folder (and its sub-folders) changed before ``cutoff``."""
    if folder is None:
        from koordination.paths import exports_dir

        folder = exports_dir()
    found = []
    for root, dirs, files in os.walk(folder):  # never follows links to folders
        dirs.sort()
        for name in sorted(files):
            entry = _regular(Path(root) / name)
            if entry is not None and entry.day < cutoff:
                found.append(entry)
    return tuple(_target(n, f) for n, f in enumerate(found, start=1))


def _listed(folder: Path, prefix: str, suffixes: tuple[str, ...]) -> list[_File]:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    entries = (
        _regular(folder / name)
        for name in names
        if name.startswith(prefix) and name.endswith(suffixes)
    )
    return [e for e in entries if e is not None]


def _files(paths: Iterable[Path]) -> list[_File]:
    return [f for f in (_regular(p) for p in paths) if f is not None]


def backup_series(db: Database, session: Session) -> list[tuple[str, list[_File]]]:
    """The kinds of backup koordination wrote for ``db`` on this computer, each with its
    files: the copies before upgrades and before restores (named as ``db.dumps`` and
    ``db.backup`` name them) and the daily backups."""
    from koordination.db import auto_backup, dumps
    from koordination.paths import data_dir

    values = dict(
        session.execute(
            select(AppSetting.key, AppSetting.value).where(
                AppSetting.key.startswith(auto_backup.AUTO_PREFIX)
            )
        ).all()
    )
    daily_folder = auto_backup.settings_from(values).directory
    if db.path is not None:
        upgrade_base = db.path
        restore = _listed(db.path.parent, f"{db.path.name}.vor-wiederherstellung-", (".bak",))
    else:
        upgrade_base = data_dir() / f"{db.url.database or 'postgresql'}.postgresql"
        name = db.url.database or "koordination"
        restore = _listed(daily_folder, f"{name}.vor-wiederherstellung-", (".dump",))
    return [
        ("Kopie vor einem Upgrade", _files(dumps.upgrade_backups(upgrade_base))),
        ("Kopie vor einer Wiederherstellung", restore),
        ("Tägliche Sicherung", _files(auto_backup.daily_backups(db, daily_folder))),
    ]


def delete(found: Iterable[Target]) -> tuple[int, list[str]]:
    """Delete the files of ``found`` that are still regular files; returns how many went and
    a German note for each that could not be deleted."""
    deleted = 0
    notes = []
    for target in found:
        path = Path(target.path)
        if _regular(path) is None:
            continue  # gone meanwhile, or replaced by a link: nothing of ours to delete
        try:
            path.unlink()
        except OSError as exc:
            notes.append(f"{path} ließ sich nicht löschen ({exc.strerror or exc}).")
            continue
        deleted += 1
    return deleted, notes
