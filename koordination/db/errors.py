"""One translation of database errors into German messages that name cause and remedy.

Never part of a message: the SQL, its parameters or the driver's own text (PostgreSQL's
``DETAIL`` repeats the values of a row). Only the kind of failure is read from the error.
"""

from __future__ import annotations

import errno
import logging
from typing import Any

from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from koordination.errors import ConflictError, DatabaseError, KoordinationError

log = logging.getLogger("koordination.db")

NOTHING_CHANGED = "Es wurde nichts geändert."

LOCKED = (
    "Die Datenbank ist gerade durch einen anderen Vorgang gesperrt (z. B. einen Import oder "
    "ein zweites Fenster). " + NOTHING_CHANGED + " Bitte in einem Moment erneut versuchen."
)
READ_ONLY = (
    "Die Datenbank kann nicht beschrieben werden (nur lesbar). "
    + NOTHING_CHANGED
    + " Bitte die Zugriffsrechte der Datenbankdatei und ihres Ordners prüfen."
)
DISK_FULL = (
    "Der Speicherplatz reicht nicht aus. "
    + NOTHING_CHANGED
    + " Bitte Speicherplatz freigeben (alte Sicherungen, Exporte) und erneut versuchen."
)
CHANGED_ELSEWHERE = (
    "Der Datensatz wurde inzwischen von jemand anderem geändert. "
    "Ihre Änderungen wurden nicht gespeichert; bitte neu laden und erneut bearbeiten."
)
DISK_ERROR = (
    "Beim Schreiben auf den Datenträger ist ein Fehler aufgetreten. "
    + NOTHING_CHANGED
    + " Bitte prüfen, ob genug Speicherplatz frei ist und der Datenträger in Ordnung ist, "
    "und erneut versuchen."
)
UNREACHABLE = (
    "Die Verbindung zum Datenbankserver ist abgebrochen oder nicht möglich. "
    "Bitte prüfen, ob der Server läuft und erreichbar ist, und erneut versuchen."
)
NO_PERMISSION = (
    "Der Datenbankbenutzer hat dafür keine Berechtigung. "
    + NOTHING_CHANGED
    + " Bitte die Rechte auf dem Datenbankserver prüfen."
)
DUPLICATE = {
    "address_key": "Diese E-Mail-Adresse gehört schon zu einer anderen Person. "
    + NOTHING_CHANGED
    + " Bitte die vorhandene Person bearbeiten oder eine andere Adresse angeben.",
    "name_key": "Eine Organisation mit diesem Namen gibt es schon. "
    + NOTHING_CHANGED
    + " Bitte die vorhandene Organisation bearbeiten oder einen anderen Namen wählen.",
}
REFUSED = (
    "Die Datenbank hat den Vorgang abgelehnt. "
    + NOTHING_CHANGED
    + " Bitte erneut versuchen; hilft das nicht, steht der Grund in der Protokolldatei."
)

# SQLite's primary result codes (sqlite3.h) and PostgreSQL's SQLSTATEs (Appendix A).
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 5, 6, 8
_SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_PERM = 10, 13, 14, 3
_PG_LOCKED = {"55P03", "55006", "57014"}  # lock not available, object in use, lock timeout
_PG_CONFLICT = {"40001", "40P01"}  # serialization failure, deadlock: someone else was first
_PG_FULL = {"53100", "53200", "53300"}  # disk full, out of memory, too many connections
_PG_READ_ONLY = {"25006"}


def translate(exc: BaseException) -> KoordinationError:
    """The German error for ``exc`` (a SQLAlchemy, driver or OS error)."""
    if isinstance(exc, KoordinationError):
        return exc
    if isinstance(exc, StaleDataError):
        return ConflictError(CHANGED_ELSEWHERE)
    message = _message(exc)
    # The log gets the kind of failure, never the statement or the values.
    log.warning("Datenbankfehler %s: %s", _kind(exc), message.split(".")[0])
    if message == CHANGED_ELSEWHERE:
        return ConflictError(message)
    return DatabaseError(message)


def _message(exc: BaseException) -> str:
    orig: Any = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(orig, OSError) and not isinstance(orig, ConnectionError):
        return _os_message(orig)
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate is not None:
        return _pg_message(orig, sqlstate)
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return _sqlite_message(orig, code & 0xFF)
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return UNREACHABLE
    return REFUSED


def _os_message(err: OSError) -> str:
    # EFBIG: the file grew beyond what the system allows (a quota or ulimit -f): no room either.
    if err.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return DISK_FULL
    if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return READ_ONLY
    return REFUSED


def _pg_message(orig: Any, sqlstate: str) -> str:
    if sqlstate == "23505":
        constraint = getattr(getattr(orig, "diag", None), "constraint_name", None) or ""
        return _duplicate(constraint)
    if sqlstate in _PG_LOCKED:
        return LOCKED
    if sqlstate in _PG_CONFLICT:
        return CHANGED_ELSEWHERE
    if sqlstate in _PG_FULL:
        return DISK_FULL
    if sqlstate in _PG_READ_ONLY:
        return READ_ONLY
    if sqlstate == "42501":
        return _not_allowed(orig)
    if sqlstate.startswith(("08", "57P")):
        return UNREACHABLE
    return REFUSED


def _not_allowed(orig: Any) -> str:
    """A refusal by the roles (koordination.db.roles) in their words: which login, which role,
    whom to ask; without the statement or the table."""
    from koordination.db.roles import ACCESS_ATTRIBUTE, Access

    access = getattr(orig, ACCESS_ATTRIBUTE, None)
    if isinstance(access, Access):
        return access.refusal() + " " + NOTHING_CHANGED
    return NO_PERMISSION


def _sqlite_message(orig: Any, code: int) -> str:
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return LOCKED
    if code == _SQLITE_FULL:
        return DISK_FULL
    if code in (_SQLITE_READONLY, _SQLITE_CANTOPEN, _SQLITE_PERM):
        return READ_ONLY
    if code == 19:  # SQLITE_CONSTRAINT: "UNIQUE constraint failed: person_email.address_key"
        return _duplicate(str(orig))
    if code == _SQLITE_IOERR:
        # SQLite keeps the system's errno to itself: a write beyond a size limit or a failing
        # disk both say "disk I/O error".
        return DISK_FULL if "full" in str(orig).lower() else DISK_ERROR
    return REFUSED


def _duplicate(constraint: str) -> str:
    for column, message in DUPLICATE.items():
        if column in constraint:
            return message
    return REFUSED


def _kind(exc: BaseException) -> str:
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    code = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None)
    return f"{type(orig).__name__}{f' ({code})' if code else ''}"


def explains(exc: BaseException) -> bool:
    """Whether ``translate`` names a cause and remedy for ``exc`` (not only "refused"): the
    command line says that in German instead of reporting an unexpected error."""
    return _message(exc) != REFUSED


def is_database_error(exc: BaseException) -> bool:
    """Whether ``exc`` comes from the database (and ``translate`` knows what to say)."""
    return isinstance(exc, SQLAlchemyError)
