"""Finding one person in free text: their name in its usual spellings, e-mail addresses and
phone numbers, in every text column of every table (for the access report and erasure)."""

from __future__ import annotations

import itertools
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
TABLE_LABELS["circular"] = "Rundmail"
TABLE_LABELS["circular_recipient"] = "Rundmail (Empfänger)"
TABLE_LABELS["notice"] = "Versandte Nachricht (Protokoll oder Erinnerung)"

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

    def excerpts(self, text: str, others: NameMask | None = None) -> list[str]:
        """The sentences that name the person, for the access report: never more of the text
        (a neighbouring sentence is about somebody else), other people's names and e-mail
        addresses in them masked by ``others`` (Art. 15 Abs. 4 DSGVO)."""
        found: list[str] = []
        spans = sentence_spans(text)
        for match in self.pattern.finditer(text):
            start, end = next(((a, b) for a, b in spans if a <= match.start() < b), (0, len(text)))
            # A sentence running on for paragraphs is cut around the mention, at words.
            if end - start > _LONGEST_SENTENCE:
                cut_start = max(start, match.start() - _AROUND)
                cut_end = min(end, match.end() + _AROUND)
                while cut_start > start and not text[cut_start - 1].isspace():
                    cut_start -= 1
                while cut_end < end and not text[cut_end].isspace():
                    cut_end += 1
            else:
                cut_start, cut_end = start, end
            if others is not None:
                cut_start, cut_end = self._own_clauses(text, cut_start, cut_end, match, others)
            own = [
                (m.start() - cut_start, m.end() - cut_start)
                for m in self.pattern.finditer(text, cut_start, cut_end)
            ]
            passage = text[cut_start:cut_end]
            if others is not None:
                passage = others.mask(passage, keep=own)
            passage = " ".join(passage.split())
            if cut_start > start:
                passage = "… " + passage
            if cut_end < end:
                passage += " …"
            found.append(passage)
        return list(dict.fromkeys(found))

    def _own_clauses(
        self, text: str, start: int, end: int, match: re.Match[str], others: NameMask
    ) -> tuple[int, int]:
        """The part of the passage ``start:end`` around ``match`` without the clauses (parts
        between ";", ":" or a dash) that name somebody else and not the person: "Monika Weiß
        berichtet vom Sprachcafé; Lukas Yilmaz ist erkrankt." keeps only the first clause."""
        bounds = [start]
        bounds += [m.end() for m in _CLAUSE_END.finditer(text, start, end) if m.end() < end]
        bounds.append(end)
        clauses = list(itertools.pairwise(bounds))
        if len(clauses) == 1:
            return start, end

        def keeps(a: int, b: int) -> bool:
            clause = text[a:b]
            return self.pattern.search(clause) is not None or others.mask(clause) == clause

        here = next(i for i, (a, b) in enumerate(clauses) if a <= match.start() < b)
        first = last = here
        while first > 0 and keeps(*clauses[first - 1]):
            first -= 1
        while last < len(clauses) - 1 and keeps(*clauses[last + 1]):
            last += 1
        return clauses[first][0], clauses[last][1]

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


#: A sentence longer than this is cut around the mention (characters either side).
_LONGEST_SENTENCE = 400
_AROUND = 150

#: Abbreviations whose full stop does not end a sentence ("Dr. Weiß", "z. B. am Montag").
_ABBREVIATIONS = frozenset(
    {"abs", "art", "bzgl", "bzw", "ca", "dipl", "dr", "etc", "evtl", "geb", "ggf", "hr"}
    | {"inkl", "ing", "jun", "lit", "mag", "max", "min", "nr", "prof", "sen", "st", "std"}
    | {"str", "tel", "usw", "vgl", "zzgl"}
)
#: Where a clause ends inside a sentence: a semicolon, a colon, a dash between spaces.
_CLAUSE_END = re.compile(r"[;:]\s+|\s+[–—]\s+")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'“”»)]*(?=\s+[\"'„“«(]?[^\W_a-zäöüß])|\n\s*")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where the sentences of ``text`` start and end; a line break always ends one (minutes
    are lists more often than prose). A full stop after an abbreviation, an initial ("A.
    Muster") or a day or month ("am 3. März") ends none."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group(0)[0] == ".":
            word = re.search(r"([^\W_]+)$", text[start : match.start()])
            token = word.group(1) if word else ""
            if (
                len(token) == 1
                or token.lower() in _ABBREVIATIONS
                or (token.isdigit() and len(token) <= 2)
            ):
                continue
        end = match.end()
        if text[start:end].strip():
            spans.append((start, end))
        start = end
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
#: Words before a family name that belong to it: "Frau", "Dr.", "Prof. Dr.".
_NAME_PREFIXES = frozenset({"frau", "herr", "herrn", "dr", "prof"})
MASK = "[Name]"
MASKED_EMAIL = "[E-Mail]"


@dataclass(frozen=True)
class NameMask:
    """Other people's names and e-mail addresses, masked in an excerpt about one person: the
    family names the directory knows (written with a capital), with a given name, an initial,
    a title or a salutation in front ("Lukas Yilmaz", "L. Yilmaz", "Frau Dr. Weiß")."""

    #: family name (lower case) -> given names (lower case) of people with it
    families: dict[str, frozenset[str]]
    own_emails: frozenset[str] = frozenset()

    def mask(self, text: str, keep: Sequence[tuple[int, int]] = ()) -> str:
        """``text`` with other names and addresses replaced; the spans in ``keep`` (the
        person's own mentions) stay as they are."""
        cuts: list[tuple[int, int, str]] = []

        def kept(a: int, b: int) -> bool:
            return any(a < k_end and k_start < b for k_start, k_end in keep)

        for match in _EMAIL.finditer(text):
            if match.group(0).lower() not in self.own_emails and not kept(*match.span()):
                cuts.append((match.start(), match.end(), MASKED_EMAIL))
        words = list(_WORD.finditer(text))
        for i, word in enumerate(words):
            value = word.group(0)
            givens = self.families.get(value.lower())
            if givens is None or not value[0].isupper() or kept(*word.span()):
                continue
            if any(a <= word.start() < b for a, b, _ in cuts):
                continue
            start, end = word.start(), word.end()
            j = i - 1
            # Leftwards over what belongs to the name: given names, initials, titles.
            while j >= 0:
                before = words[j]
                gap = text[before.end() : start]
                if not re.fullmatch(r"\.?\s+", gap) or kept(*before.span()):
                    break
                w = before.group(0).lower()
                if w in givens or w in _NAME_PREFIXES or (len(w) == 1 and gap[0] == "."):
                    start = before.start()
                    j -= 1
                    continue
                break
            # "Yilmaz, Lukas": the given name after the comma.
            after = re.match(r",\s*([^\W\d_][\w-]*)", text[end:])
            if after and after.group(1).lower() in givens:
                end += after.end()
            cuts.append((start, end, MASK))
        for start, end, replacement in sorted(cuts, reverse=True):
            text = text[:start] + replacement + text[end:]
        return text


def name_mask(session: Session, person: Person) -> NameMask:
    """The names of everybody else in the directory (erased people have none left)."""
    families: dict[str, set[str]] = {}
    own = person.family_name.lower()
    stmt = select(Person.given_name, Person.family_name).where(
        Person.id != person.id, Person.erased_at.is_(None)
    )
    for given, family in session.execute(stmt):
        for part in family.split():
            if len(part) < 2:
                continue
            known = families.setdefault(part.lower(), set())
            known.update(g.lower() for g in given.split())
    # The person's own family name is masked only where it is not part of their mention;
    # a namesake's "Frau Weiß" stays ambiguous and is masked like any other name.
    for part in own.split():
        families.setdefault(part, set())
    return NameMask(
        {k: frozenset(v) for k, v in families.items()},
        frozenset(e.address.lower() for e in person.emails),
    )


def surname_mentions(session: Session, person: Person) -> Mentions | None:
    """The person's family name after a salutation or title ("Frau Weiß", "Dr. Weiß") when
    somebody else has the same family name: such a mention may be either of them, so it is
    neither reported nor erased without a person looking at it. None when the family name is
    unique (then these mentions are the person's, see :func:`person_mentions`)."""
    others = session.scalar(
        select(func.count(Person.id)).where(
            Person.id != person.id,
            Person.erased_at.is_(None),
            func.lower(Person.family_name) == person.family_name.lower(),
        )
    )
    if not others or not person.family_name.strip():
        return None
    forms = sorted({*_SALUTATIONS, *person.salutation.split()[:1]}, key=len, reverse=True)
    prefix = "|".join([*(re.escape(f) for f in forms), r"Dr\.", r"Prof\."])
    pattern = re.compile(
        rf"(?<!\w)(?:{prefix})(?:{_SPACE}(?:Dr\.|Prof\.))*{_SPACE}{_words(person.family_name)}"
        r"(?!\w)",
        re.IGNORECASE,
    )
    return Mentions(pattern, (max(person.family_name.split(), key=len),), "")


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
