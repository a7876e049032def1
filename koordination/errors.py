"""The error hierarchy: every error a user can see carries a German message."""

from __future__ import annotations

from dataclasses import dataclass


class KoordinationError(Exception):
    """Base of all errors that reach a user; ``str(err)`` is the German message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field (``field`` is the German field label)."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ValidationError(KoordinationError):
    """Input that cannot be saved; lists every problem found."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("Bitte korrigieren: " + "; ".join(str(e) for e in errors))


class NotFoundError(KoordinationError):
    """A record that does not (or no longer) exist."""


class ConflictError(KoordinationError):
    """Someone else saved the same record in the meantime (optimistic version check)."""


class DatabaseError(KoordinationError):
    """The database cannot be opened or used: corrupt, too new, unreachable."""


class ImportFailed(KoordinationError):
    """A file was rejected as a whole; ``problems`` name line, column and reason."""

    def __init__(self, message: str, problems: list[ImportProblem] | None = None) -> None:
        self.problems = problems or []
        lines = [message] + [str(p) for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"… und {len(self.problems) - 50} weitere Fehler")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class ImportProblem:
    """A problem in one cell of an import file; ``line`` counts from 1 like a spreadsheet."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"Zeile {self.line}"
        if self.column:
            where += f", Spalte „{self.column}“"
        return f"{where}: {self.reason}"
