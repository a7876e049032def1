"""Finding one person in free text: their name in its usual spellings, e-mail addresses and
phone numbers, in every text column of every table (for the access report and erasure)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Enum, String, Table, func, or_, select
from sqlalchemy.orm import Session

from koordination.db import audit
from koordination.domain.models import Base, Person
from koordination.services.directory.search import like_pattern

#: German names of the tables, for the mentions section and the erasure report.
TABLE_LABELS: dict[str, str] = {
    model.__tablename__: audit.KIND_LABELS[tracked.kind] for model, tracked in audit.TRACKED.items()
}
TABLE_LABELS["app_setting"] = "Einstellung"

#: Text columns holding JSON: replaced value by value, so the JSON stays valid.
JSON_COLUMNS = {
    ("minutes_version", "content"),
    ("survey_snapshot", "content"),
    ("audit_entry", "changes"),
}

#: Not searched for mentions during an erasure: the trail comes last, on its own; other
#: people's own addresses and numbers stay theirs even when they share one with the person.
NOT_SCANNED = {"audit_entry", "person_email", "person_phone"}

_SPACE = r"[\s\u00a0]+"
_SALUTATIONS = ("Frau", "Herrn", "Herr")


def _words(text: str) -> str:
    """A regular expression for ``text`` that tolerates any run of spaces between words."""
    return _SPACE.join(re.escape(word) for word in text.split())


@dataclass(frozen=True)
class Mentions:
    """Finds one person's name (in its usual spellings), e-mail addresses and phone numbers in
    free text, and replaces them by the label an erased person is shown with."""

    pattern: re.Pattern[str]
    #: Substrings every match contains, for a cheap first filter in SQL.
    needles: tuple[str, ...]
    label: str
    #: Further exact strings (lower case) replaced by "[gelöscht]" rather than the label.
    literals: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        *,
        salutation: str,
        title: str,
        given: str,
        family: str,
        emails: Sequence[str],
        phones: Sequence[str],
        label: str,
        family_unique: bool,
    ) -> Mentions:
        family_re = _words(family)
        title_re = f"(?:{_words(title)}{_SPACE})?" if title.strip() else ""
        forms = sorted({*_SALUTATIONS, *salutation.split()[:1]}, key=len, reverse=True)
        address_re = "(?:" + "|".join(re.escape(f) for f in forms) + ")"
        names: list[str] = []
        if given.strip():
            given_re = _words(given)
            initial = re.escape(given.strip()[0])
            names += [
                # [Frau] [Dr.] Anna Muster
                f"(?:{address_re}{_SPACE})?{title_re}{given_re}{_SPACE}{family_re}",
                # Muster, [Dr.] Anna
                rf"{family_re},[\s\u00a0]*{title_re}{given_re}",
                # [Frau] [Dr.] A. Muster
                rf"(?:{address_re}{_SPACE})?{title_re}{initial}\.[\s\u00a0]*{family_re}",
            ]
        else:
            names.append(family_re)  # the family name is the whole name
        if family_unique:
            # "Frau Muster", "Dr. Muster": only when nobody else has this family name.
            names.append(f"{address_re}{_SPACE}{title_re}{family_re}")
            if title.strip():
                names.append(f"{_words(title)}{_SPACE}{family_re}")
        alternatives = [rf"(?<!\w)(?:{'|'.join(names)})(?!\w)"]
        needles = [max(family.split(), key=len)]
        for email in emails:
            alternatives.append(rf"(?<![\w.+-]){re.escape(email.strip())}(?![\w-]|\.\w)")
            needles.append(email.strip())
        for phone in phones:
            if sum(ch.isdigit() for ch in phone) >= 6:  # not "110" in every text
                alternatives.append(rf"(?<![\d+]){_words(phone)}(?!\d)")
                needles.append(max(phone.split(), key=len))
        pattern = re.compile("|".join(alternatives), re.IGNORECASE)
        return cls(pattern, tuple(dict.fromkeys(n for n in needles if n)), label)

    def with_literals(self, literals: Iterable[str]) -> Mentions:
        """These mentions, plus exact strings to blank (the fingerprints of frozen content
        before the erasure: with the new content, they would let one test guesses of the
        name against them)."""
        extra = sorted({literal.lower() for literal in literals})
        if not extra:
            return self
        pattern = re.compile(
            "|".join([self.pattern.pattern, *(re.escape(x) for x in extra)]), re.IGNORECASE
        )
        return Mentions(pattern, (*self.needles, *extra), self.label, frozenset(extra))

    def found_in(self, text: str | None) -> bool:
        return bool(text) and self.pattern.search(text or "") is not None

    def replace(self, text: str) -> str:
        def substitute(match: re.Match[str]) -> str:
            return audit.ERASED if match.group(0).lower() in self.literals else self.label

        return self.pattern.sub(substitute, text)

    def excerpts(self, text: str, width: int = 90) -> list[str]:
        """The passages around each mention, for the access report (not whole minutes)."""
        found: list[str] = []
        for match in self.pattern.finditer(text):
            start, end = max(0, match.start() - width), min(len(text), match.end() + width)
            passage = " ".join(text[start:end].split())
            found.append(("… " if start else "") + passage + (" …" if end < len(text) else ""))
        return list(dict.fromkeys(found))

    def sql_filter(self, columns: Sequence[Any]) -> Any:
        """Rows whose text columns may hold a mention (each needle as written, in lower and in
        upper case: SQLite folds only ASCII letters, so "Özdemir" needs its own spellings)."""
        variants = sorted({v for n in self.needles for v in (n, n.lower(), n.upper())})
        return or_(
            *(
                column.ilike(like_pattern(variant), escape="\\")
                for column in columns
                for variant in variants
            )
        )


def person_mentions(session: Session, person: Person, label: str) -> Mentions:
    others = session.scalar(
        select(func.count(Person.id)).where(
            Person.id != person.id,
            Person.erased_at.is_(None),
            func.lower(Person.family_name) == person.family_name.lower(),
        )
    )
    return Mentions.of(
        salutation=person.salutation,
        title=person.title,
        given=person.given_name,
        family=person.family_name,
        emails=[e.address for e in person.emails],
        phones=[p.number for p in person.phones],
        label=label,
        family_unique=not others,
    )


#: Other people's own names: a namesake's name is theirs, never a mention of the person.
_NAME_COLUMNS = {
    ("person", name)
    for name in ("salutation", "title", "given_name", "family_name", "sort_key", "search_text")
}


def _text_columns(table: Table) -> list[Any]:
    return [
        c
        for c in table.columns
        if isinstance(c.type, String)
        and not isinstance(c.type, Enum)
        and (table.name, c.name) not in _NAME_COLUMNS
    ]


def scan(
    session: Session,
    mentions: Mentions,
    *,
    only: set[str] | None = None,
    skip: set[str] | frozenset[str] = frozenset(),
) -> Iterator[tuple[Table, dict[str, Any], list[str]]]:
    """Every row of every table whose text mentions the person: (table, row, columns found)."""
    for table in Base.metadata.sorted_tables:
        if (only is not None and table.name not in only) or table.name in skip:
            continue
        columns = _text_columns(table)
        if not columns:
            continue
        keys = list(table.primary_key.columns)
        stmt = select(*keys, *columns).where(mentions.sql_filter(columns))
        for row in session.execute(stmt).mappings():
            values = dict(row)
            hits = [c.name for c in columns if mentions.found_in(values[c.name])]
            if hits:
                yield table, values, hits
