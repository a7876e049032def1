"""What an import reports back: the summary, and the problems and hints gathered on the way."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from koordination.errors import ImportFailed, ImportProblem

#: ``progress(done, total)``: every row counts once when checked and once when written.
Progress = Callable[[int, int], None]
#: What to do with a row that matches a stored entry: a problem, an update or a skipped row.
Existing = Literal["error", "update", "skip"]

PROGRESS_EVERY = 1000
MAX_WARNINGS = 200


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    created: int = 0
    updated: int = 0
    skipped: int = 0
    organisations_created: int = 0
    memberships_created: int = 0
    warnings: tuple[str, ...] = ()
    dry_run: bool = False

    def summary(self) -> str:
        """One German sentence for the status line or the terminal."""
        parts = [f"neu: {self.created}"]
        if self.updated:
            parts.append(f"aktualisiert: {self.updated}")
        if self.skipped:
            parts.append(f"übersprungen: {self.skipped}")
        if self.organisations_created:
            parts.append(f"neue Organisationen: {self.organisations_created}")
        if self.memberships_created:
            parts.append(f"neue Gruppenmitgliedschaften: {self.memberships_created}")
        if self.dry_run:
            return f"Probelauf, nichts gespeichert – so würde importiert: {', '.join(parts)}."
        return f"Importiert – {', '.join(parts)}."


class Problems:
    """Every row error of a file: the import fails with all of them, or writes."""

    def __init__(self) -> None:
        self.items: list[ImportProblem] = []

    def add(self, line: int, column: str, reason: str) -> None:
        self.items.append(ImportProblem(line, column, reason))

    def __bool__(self) -> bool:
        return bool(self.items)

    def fail(self) -> ImportFailed:
        self.items.sort(key=lambda p: p.line)
        return ImportFailed(
            f"Die Datei wurde nicht importiert: {len(self.items)} Fehler.", self.items
        )


class Warnings:
    """Hints that do not stop the import; a file full of them is cut short."""

    def __init__(self, initial: Iterable[str] = ()) -> None:
        self.items: list[str] = list(initial)
        self.dropped = 0

    def add(self, message: str) -> None:
        if len(self.items) < MAX_WARNINGS:
            self.items.append(message)
        else:
            self.dropped += 1

    def result(self) -> tuple[str, ...]:
        extra = [f"… und {self.dropped} weitere Hinweise"] if self.dropped else []
        return (*self.items, *extra)
