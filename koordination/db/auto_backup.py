"""The daily automatic backup: its switch and folder (stored in the database), writing one
backup per city day and keeping the newest N.

Every command asks on start whether a backup is due; while it is switched off that is one
query, so the backup machinery (``db.dumps``, temporary files) is imported only to write one.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from koordination.clock import CITY_ZONE
from koordination.db.engine import Database
from koordination.db.errors import translate
from koordination.domain.models import AppSetting
from koordination.errors import DatabaseError, KoordinationError
from koordination.paths import data_dir

# --------------------------------------------------------------------------- settings
AUTO_PREFIX = "auto_backup."
KEY_ENABLED = AUTO_PREFIX + "enabled"
KEY_KEEP = AUTO_PREFIX + "keep"
KEY_DIR = AUTO_PREFIX + "dir"
DEFAULT_KEEP = 14


def default_backup_dir() -> Path:
    return data_dir() / "sicherungen"


@dataclass(frozen=True)
class AutoBackupSettings:
    """The daily backup's switch, how many to keep and where; stored in the database."""

    enabled: bool = False
    keep: int = DEFAULT_KEEP
    #: ``None``: the data directory's ``sicherungen/``.
    folder: Path | None = None

    @property
    def directory(self) -> Path:
        return self.folder or default_backup_dir()


def settings_from(values: dict[str, str]) -> AutoBackupSettings:
    keep = values.get(KEY_KEEP, "")
    folder = values.get(KEY_DIR, "")
    return AutoBackupSettings(
        enabled=values.get(KEY_ENABLED) == "1",
        keep=int(keep) if keep.isdigit() and int(keep) > 0 else DEFAULT_KEEP,
        folder=Path(folder) if folder else None,
    )


def _read_settings(db: Database) -> dict[str, str]:
    # The table's columns, not the model's attributes: every command asks this on start, and a
    # statement naming a mapped attribute would configure all the ORM's mappers first (~50 ms).
    setting = AppSetting.__table__.c
    with db.session() as session:
        rows = session.execute(
            select(setting.key, setting.value).where(setting.key.startswith(AUTO_PREFIX))
        ).all()
    return {key: value for key, value in rows}


def read_settings_quietly(db: Database) -> dict[str, str]:
    """As :func:`_read_settings`, or nothing when the database is older or unreadable."""
    try:
        return _read_settings(db)
    except SQLAlchemyError:
        return {}


def write_settings(db: Database, values: dict[str, str]) -> None:
    with db.session() as session:
        for key, value in values.items():
            session.merge(AppSetting(key=key, value=value))


def auto_backup_settings(db: Database) -> AutoBackupSettings:
    try:
        return settings_from(_read_settings(db))
    except SQLAlchemyError as exc:
        raise DatabaseError(
            f"Die Einstellungen der täglichen Sicherung in {db.display_name} lassen sich nicht "
            f"lesen ({getattr(exc, 'orig', exc)})."
        ) from exc


def configure_auto_backup(
    db: Database,
    *,
    enabled: bool | None = None,
    keep: int | None = None,
    folder: Path | None = None,
) -> AutoBackupSettings:
    """Change what is given, keep the rest; a folder is stored as an absolute path."""
    values: dict[str, str] = {}
    if enabled is not None:
        values[KEY_ENABLED] = "1" if enabled else "0"
    if keep is not None:
        if keep < 1:
            raise DatabaseError("Bitte mindestens eine Sicherung behalten (--keep 1 oder mehr).")
        values[KEY_KEEP] = str(keep)
    if folder is not None:
        values[KEY_DIR] = str(folder.expanduser().resolve())
    if values:
        write_settings(db, values)
    return auto_backup_settings(db)


def check_backup_folder(folder: Path) -> None:
    """Create ``folder`` (owner-only) and prove a file can be written there."""
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
            pass
    except OSError as exc:
        raise DatabaseError(
            f"Im Ordner {folder} lassen sich keine Sicherungen ablegen ({exc.strerror or exc}). "
            "Bitte mit --dir einen anderen Ordner angeben."
        ) from exc


# --------------------------------------------------------------------------- daily backup
def backup_prefix(db: Database) -> str:
    """Daily files are named after the database, so several databases can share a folder."""
    if db.path is not None:
        return db.path.stem
    return db.url.database or "koordination"


def backup_suffix(db: Database) -> str:
    return ".sqlite3" if db.is_sqlite else ".dump"


def _daily_pattern(db: Database) -> re.Pattern[str]:
    return re.compile(
        re.escape(backup_prefix(db)) + r"-(\d{4}-\d\d-\d\d)" + re.escape(backup_suffix(db)) + "$"
    )


def local_day(now: datetime) -> date:
    """The city's calendar day at ``now`` (a naive ``now`` is taken as the city's time)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=CITY_ZONE)
    return now.astimezone(CITY_ZONE).date()


def daily_backup_path(db: Database, folder: Path, day: date) -> Path:
    return folder / f"{backup_prefix(db)}-{day.isoformat()}{backup_suffix(db)}"


def daily_backups(db: Database, folder: Path) -> list[Path]:
    """This database's daily backups in ``folder``, oldest first."""
    pattern = _daily_pattern(db)
    try:
        found = [p for p in folder.iterdir() if p.is_file() and pattern.match(p.name)]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.name)


def auto_backup_due(db: Database, now: datetime) -> bool:
    """Switched on, and no backup of this database for the city's current day yet."""
    settings = auto_backup_settings(db)
    if not settings.enabled:
        return False
    return not daily_backup_path(db, settings.directory, local_day(now)).exists()


def run_auto_backup(db: Database, now: datetime) -> Path | None:
    """Write today's backup if it is due, then keep only the newest N; returns the new file."""
    settings = auto_backup_settings(db)
    if not settings.enabled:
        return None
    folder = settings.directory
    target = daily_backup_path(db, folder, local_day(now))
    if target.exists():
        return None
    from koordination.db.dumps import backup

    # A temporary file of its own per run: two programs starting at once each write a whole
    # file, and the later rename wins; neither can rename the other's half-written file.
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        remove_stale(folder.glob(".*.teil*"))  # earlier versions' temporary names
        backup(db, target)
    except (OSError, sqlite3.Error) as exc:
        # The cause in German (a full disk, a read-only folder), never the library's own text.
        raise DatabaseError(
            f"Die tägliche Sicherung nach {folder} ist fehlgeschlagen: {translate(exc).message}"
        ) from exc
    rotate(db, folder, settings.keep)
    return target


def remove_stale(leftovers: Iterable[Path]) -> None:
    """Files and folders of a backup or restore of an earlier version, killed more than an
    hour ago (today's are found by :func:`koordination.files.sweep_stale`)."""
    from koordination.files import STALE_AFTER_SECONDS

    limit = time.time() - STALE_AFTER_SECONDS
    for leftover in leftovers:
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime >= limit:
                continue
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink()


def rotate(db: Database, folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` daily backups of this database; returns the deleted."""
    files = daily_backups(db, folder)
    doomed = files[: max(0, len(files) - keep)]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def auto_backup_at_start(db: Database, now: datetime | None = None) -> str | None:
    """The daily backup as a program starts: never stops the start, returns a warning if it
    failed (German, for stderr or a notification), else ``None``."""
    try:
        run_auto_backup(db, now or datetime.now(UTC))
    except KoordinationError as exc:
        return f"Die tägliche Sicherung ist fehlgeschlagen: {exc.message}"
    except (OSError, sqlite3.Error, SQLAlchemyError) as exc:
        return f"Die tägliche Sicherung ist fehlgeschlagen: {translate(exc).message}"
    return None
