"""What the offer form and `koordination angebote add/edit` hand to the offers service, with
their validation: one set of rules for both faces, every message German."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from koordination.clock import CITY_ZONE
from koordination.domain.enums import HoursPeriod, OfferKind, Suitability
from koordination.domain.inputs.fields import parse_number
from koordination.domain.inputs.validation import (
    date_value,
    format_date,
    parse_datetime,
    parse_time,
    text_value,
)
from koordination.domain.records.offers import OfferRecord
from koordination.errors import FieldError

TITLE_MAX = 300
TAG_MAX = 100
DISTRICT_MAX = 200
TEXT_MAX = 5000


@dataclass(frozen=True)
class OfferInput:
    organisation_id: int
    title: str
    kind: OfferKind
    description: str = ""
    needed: str = ""
    hours: float | None = None
    hours_per: HoursPeriod | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    place: str = ""
    district: str = ""
    online: bool = False
    tags: tuple[str, ...] = ()
    action_field_id: int | None = None
    contact_person_id: int | None = None
    #: None: the service takes the end of a dated offer, else the review period from today.
    expires_on: date | None = None


def tag_of(text: str) -> str:
    """A tag as stored: one of the fixed list in its label's spelling ("Jugendliche" becomes
    "für Jugendliche"), or the free tag with its spaces tidied."""
    found = Suitability.parse(text)
    return found.label if found is not None else " ".join(text.split())


def split_tags(text: str) -> tuple[str, ...]:
    """Tags from "für Jugendliche, barrierefrei; Sprachcafé" (commas, semicolons, lines)."""
    parts = (tag_of(p) for p in re.split(r"[,;\n]+", text))
    return tuple(dict.fromkeys(p for p in parts if p))


def offer_values(record: OfferRecord) -> dict[str, Any]:
    """The stored offer as the form's (and the command line's) text values."""
    return {
        "organisation_id": record.organisation_id,
        "title": record.title,
        "description": record.description,
        "needed": record.needed,
        "kind": record.kind,
        "hours": "" if record.hours is None else f"{record.hours:g}".replace(".", ","),
        "hours_per": record.hours_per,
        "starts": _moment_text(record.starts_at),
        "ends": _moment_text(record.ends_at),
        "place": record.place,
        "district": record.district,
        "online": record.online,
        "tags": ", ".join(record.tags),
        "action_field_id": record.action_field_id,
        "contact_person_id": record.contact_person_id,
        "expires": format_date(record.expires_on),
    }


def expiry_problem(day: date, today: date, last_day: date | None = None) -> str | None:
    """Why ``day`` cannot be an offer's expiry day (None: it can): not in the past, not after
    the ``last_day`` of a dated offer (its date is over then, and the page would invite to
    it), and at most three years ahead, so an offer is confirmed now and then."""
    if day < today:
        return f"{day:%d.%m.%Y} liegt in der Vergangenheit."
    if last_day is not None and day > last_day:
        return (
            f"liegt nach dem Ende des Termins ({last_day:%d.%m.%Y}); danach ist das Angebot "
            "vorbei. Leer lassen: es gilt bis zum Termin."
        )
    if day > today + timedelta(days=3 * 366):
        return "höchstens drei Jahre im Voraus (bitte später bestätigen)."
    return None


def last_day(ends_at: datetime | None) -> date | None:
    """The day a dated offer ends, in the city's time (None: it has no date)."""
    return ends_at.astimezone(CITY_ZONE).date() if ends_at is not None else None


def past_date_problem(ends_at: datetime, today: date) -> str | None:
    """Why a dated offer whose date is over cannot be published (None: it is not over)."""
    end = last_day(ends_at)
    if end is None or end >= today:
        return None
    return (
        f"Der Termin war am {end:%d.%m.%Y}; ein vergangener Termin wird nicht veröffentlicht. "
        "Bitte den neuen Termin eintragen."
    )


def _moment_text(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(CITY_ZONE)
    return f"{format_date(local.date())} {local:%H:%M}"


def _enum_value(
    values: Mapping[str, Any],
    key: str,
    cls: type[OfferKind] | type[HoursPeriod],
    label: str,
    problems: list[FieldError],
) -> Any:
    value = values.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, cls):
        return value
    found = cls.parse(str(value))
    if found is None:
        known = ", ".join(m.label for m in cls)
        problems.append(FieldError(label, f"„{value}“ ist keine der Möglichkeiten ({known})."))
    return found


def _hours(values: Mapping[str, Any], problems: list[FieldError]) -> float | None:
    text = text_value(values, "hours").removesuffix("Stunden").removesuffix("Std.").strip()
    if not text:
        return None
    try:
        hours = parse_number(text)
    except ValueError as exc:
        problems.append(FieldError("Stunden", str(exc)))
        return None
    if not 0 < hours <= 1000:
        problems.append(FieldError("Stunden", "bitte eine Zahl größer als 0 (höchstens 1000)."))
        return None
    return hours


def _moments(
    values: Mapping[str, Any], problems: list[FieldError]
) -> tuple[datetime | None, datetime | None]:
    """Beginning and end in the city's time; the end may be a time of the same day
    ("12.06.2027 10:00" to "18:00")."""
    starts_text, ends_text = text_value(values, "starts"), text_value(values, "ends")
    starts = ends = None
    if starts_text:
        try:
            starts = parse_datetime(starts_text).replace(tzinfo=CITY_ZONE)
        except ValueError as exc:
            problems.append(FieldError("Beginn", str(exc)))
    bare_time = re.fullmatch(r"\d{1,2}([:.]\d{2})?( Uhr)?", ends_text) is not None
    day_only = starts is not None and starts.time() == time(0) and ":" not in starts_text
    if day_only and ends_text and (bare_time or ":" in ends_text):
        # "12.6.27" to "17:00" would read "00:00–17:00 Uhr" on the page.
        problems.append(
            FieldError(
                "Beginn",
                "bitte mit Uhrzeit angeben, z. B. 12.06.2027 10:00 (das Ende hat eine Uhrzeit); "
                "ganze Tage: Beginn und Ende nur als Datum.",
            )
        )
        return None, None
    if ends_text and not (bare_time and not starts_text):
        try:
            if bare_time and starts is not None:
                ends = datetime.combine(starts.date(), parse_time(ends_text), tzinfo=CITY_ZONE)
            else:
                ends = parse_datetime(ends_text).replace(tzinfo=CITY_ZONE)
                if ends.time() == time(0) and ":" not in ends_text and starts is not None:
                    ends = ends.replace(hour=23, minute=59)  # a day alone: until its end
        except ValueError as exc:
            problems.append(FieldError("Ende", str(exc)))
    for moment, label in ((starts, "Beginn"), (ends, "Ende")):
        if moment is not None and not 1900 <= moment.year <= 2200:
            problems.append(FieldError(label, "liegt nicht zwischen 1900 und 2200."))
            return None, None
    if starts_text and not ends_text:
        problems.append(
            FieldError("Ende", "bitte angeben, wann es endet (z. B. 18:00 oder 30.06.2027).")
        )
    if ends_text and not starts_text:
        problems.append(FieldError("Beginn", "bitte angeben, wann es beginnt."))
    if starts is not None and ends is not None and ends <= starts:
        problems.append(FieldError("Ende", "liegt nicht nach dem Beginn."))
    return starts, ends


def _online(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("ja", "j", "yes", "true", "1", "online")


def _longest(value: str, limit: int, label: str, problems: list[FieldError]) -> str:
    if len(value) > limit:
        problems.append(FieldError(label, f"höchstens {limit} Zeichen (jetzt {len(value)})."))
    return value


def build_offer(
    values: Mapping[str, Any], today: date | None = None
) -> tuple[OfferInput | None, list[FieldError]]:
    """The offer from the form's values; every problem under the field's German label. With
    ``today`` the dates are checked against it as well (an expiry day in the past or after
    the offer's date, a date that is over), so a form says so as it is typed."""
    problems: list[FieldError] = []
    title = _longest(" ".join(text_value(values, "title").split()), TITLE_MAX, "Titel", problems)
    if not title:
        problems.append(FieldError("Titel", "darf nicht leer sein."))
    organisation_id = values.get("organisation_id")
    if not organisation_id:
        problems.append(FieldError("Organisation", "bitte die anbietende Organisation wählen."))
    kind = _enum_value(values, "kind", OfferKind, "Art", problems)
    if kind is None and not any(p.field == "Art" for p in problems):
        problems.append(
            FieldError("Art", "bitte wählen: " + ", ".join(k.label for k in OfferKind) + ".")
        )
    hours = _hours(values, problems)
    hours_per = _enum_value(values, "hours_per", HoursPeriod, "Stunden je", problems)
    if (
        hours is not None
        and hours_per is None
        and not any(p.field == "Stunden je" for p in problems)
    ):
        problems.append(
            FieldError("Stunden je", "bitte angeben: pro Woche, pro Monat oder insgesamt.")
        )
    starts, ends = _moments(values, problems)
    place = _longest(text_value(values, "place"), TEXT_MAX, "Ort", problems)
    district = _longest(
        " ".join(text_value(values, "district").split()), DISTRICT_MAX, "Stadtteil", problems
    )
    online = _online(values.get("online"))
    if not (place or district or online):
        problems.append(
            FieldError("Ort", "bitte einen Ort oder Stadtteil angeben oder „online“ wählen.")
        )
    tags = split_tags(text_value(values, "tags"))
    for tag in tags:
        if len(tag) > TAG_MAX:
            problems.append(FieldError("Passt für", f"„{tag[:30]}…“ ist länger als {TAG_MAX}."))
    description = _longest(text_value(values, "description"), TEXT_MAX, "Beschreibung", problems)
    needed = _longest(text_value(values, "needed"), TEXT_MAX, "Was gebraucht wird", problems)
    expires = date_value(values, "expires", "Ablaufdatum", problems)
    if today is not None:
        if expires is not None and (problem := expiry_problem(expires, today, last_day(ends))):
            problems.append(FieldError("Ablaufdatum", problem))
        if ends is not None and (problem := past_date_problem(ends, today)):
            problems.append(FieldError("Ende", problem))
    if problems:
        return None, problems
    assert organisation_id is not None and kind is not None
    return (
        OfferInput(
            organisation_id=int(organisation_id),
            title=title,
            kind=kind,
            description=description,
            needed=needed,
            hours=hours,
            hours_per=hours_per if hours is not None else None,
            starts_at=starts,
            ends_at=ends,
            place=place,
            district=district,
            online=online,
            tags=tags,
            action_field_id=values.get("action_field_id") or None,
            contact_person_id=values.get("contact_person_id") or None,
            expires_on=expires,
        ),
        [],
    )
