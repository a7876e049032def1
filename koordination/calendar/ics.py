"""Building .ics files: invitations, cancellations, subscription feeds and CalDAV objects.

Everything a user typed passes through the sanitisers below before it reaches ``icalendar``:
text loses control characters (line breaks are kept only where a TEXT value may have them and are
escaped as ``\\n``), parameter values (CN) become one line without double quotes, e-mail addresses,
UIDs and URLs that could break out of their line are rejected, so no input can add a property or
a component to the file.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from icalendar import (
    Calendar,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vRecur,
)
from icalendar import Event as VEvent

from koordination.calendar.events import Attendee, Event, Override, Place
from koordination.calendar.recurrence import matching_overrides
from koordination.clock import CITY_ZONE
from koordination.errors import FieldError, ValidationError

__all__ = [
    "PRODID",
    "calendar_object",
    "cancellation",
    "description_text",
    "feed",
    "invitation",
]

PRODID = "-//koordination//Engagierte Stadt//DE"
TZID = "Europe/Berlin"

ROLES = frozenset({"CHAIR", "REQ-PARTICIPANT", "OPT-PARTICIPANT", "NON-PARTICIPANT"})
PARTSTATS = frozenset({"NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED"})

# C0 controls except TAB and LF (CR is turned into LF first), and DEL: never valid in TEXT.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85")
_EMAIL = re.compile(r"[^\s@<>()\[\]\\,;:\"]+@[^\s@<>()\[\]\\,;:\"]+\.[^\s@<>()\[\]\\,;:\"]+")
_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f<>\"]+", re.IGNORECASE)


# --- sanitising -------------------------------------------------------------------------------


def clean_text(value: str) -> str:
    """Multi-line TEXT: unified line breaks, no control characters."""
    return _CONTROL.sub("", _LINE_BREAKS.sub("\n", value))


def one_line(value: str) -> str:
    """Single-line TEXT (a title, a room): line breaks become spaces."""
    return " ".join(clean_text(value).replace("\t", " ").split("\n")).strip()


def param_value(value: str) -> str:
    """A parameter value such as CN: one line, no double quotes (plain ASCII apostrophe instead)."""
    return one_line(value).replace('"', "'")


def mail_address(value: str, what: str = "E-Mail") -> str:
    """A ``mailto:`` address, or a ValidationError for anything that is not one plain address."""
    address = value.strip()
    if not _EMAIL.fullmatch(address) or _ANY_CONTROL.search(address):
        raise ValidationError([FieldError(what, f"Keine gültige E-Mail-Adresse: {value!r}")])
    return "mailto:" + address


def checked_uid(uid: str) -> str:
    """The UID as it is: an identity is never silently altered, so bad ones are rejected."""
    if not uid.strip() or _ANY_CONTROL.search(uid) or uid != uid.strip():
        raise ValidationError([FieldError("UID", f"Ungültige UID: {uid!r}")])
    return uid


def web_link(value: str) -> str | None:
    """An http(s) link fit for a URI property, or None (it then appears only in the text)."""
    link = value.strip()
    return link if _URL.fullmatch(link) else None


# --- the parts of a file ----------------------------------------------------------------------


def _berlin(moment: datetime) -> datetime:
    return moment.astimezone(CITY_ZONE)


def vtimezone() -> Timezone:
    """Europe/Berlin as Outlook, Google and Thunderbird write it: two yearly rules since 1970."""
    tz = Timezone()
    tz.add("tzid", TZID)
    tz.add("x-lic-location", TZID)
    daylight = TimezoneDaylight()
    daylight.add("tzoffsetfrom", timedelta(hours=1))
    daylight.add("tzoffsetto", timedelta(hours=2))
    daylight.add("tzname", "CEST")
    daylight.add("dtstart", datetime(1970, 3, 29, 2, 0, 0))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    standard = TimezoneStandard()
    standard.add("tzoffsetfrom", timedelta(hours=2))
    standard.add("tzoffsetto", timedelta(hours=1))
    standard.add("tzname", "CET")
    standard.add("dtstart", datetime(1970, 10, 25, 3, 0, 0))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    tz.add_component(daylight)
    tz.add_component(standard)
    return tz


def _calendar(method: str | None, extra: dict[str, object] | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    for key, value in (extra or {}).items():
        if isinstance(value, timedelta):  # RFC 7986: REFRESH-INTERVAL;VALUE=DURATION:…
            cal.add(key, value, parameters={"VALUE": "DURATION"})
        else:
            cal.add(key, value)
    cal.add_component(vtimezone())
    return cal


def description_text(event: Event, place: Place | None = None) -> str:
    """The DESCRIPTION: the event's text, then the agenda ("TOP 1 …"), the place and the link."""
    where = place or event.place
    parts: list[str] = []
    text = clean_text(event.description).strip()
    if text:
        parts.append(text)
    items = [one_line(item) for item in event.agenda if one_line(item)]
    if items:
        parts.append(
            "Tagesordnung:\n" + "\n".join(f"TOP {n} {item}" for n, item in enumerate(items, 1))
        )
    lines: list[str] = []
    location = ", ".join(
        p for p in (one_line(where.room), one_line(where.address.replace("\n", ", "))) if p
    )
    if location:
        lines.append(f"Ort: {location}")
    if one_line(where.online_url):
        lines.append(f"Online: {one_line(where.online_url)}")
    if lines:
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _address(name: str, email: str, what: str) -> vCalAddress:
    address = vCalAddress(mail_address(email, what))
    if param_value(name):
        address.params["CN"] = param_value(name)
    return address


def _attendee(attendee: Attendee, *, rsvp: bool) -> vCalAddress:
    if attendee.role not in ROLES:
        raise ValidationError([FieldError("Rolle", f"Unbekannte Rolle: {attendee.role!r}")])
    if attendee.partstat not in PARTSTATS:
        raise ValidationError(
            [FieldError("Antwort", f"Unbekannter Antwortstatus: {attendee.partstat!r}")]
        )
    address = _address(attendee.name, attendee.email, "E-Mail der eingeladenen Person")
    address.params["CUTYPE"] = "INDIVIDUAL"
    address.params["ROLE"] = attendee.role
    address.params["PARTSTAT"] = attendee.partstat
    if rsvp:
        address.params["RSVP"] = "TRUE"
    return address


def _organizer(event: Event, *, required: bool) -> vCalAddress | None:
    if not event.organizer_email.strip():
        if required:
            raise ValidationError(
                [
                    FieldError(
                        "Organisator", "Für Einladungen fehlt die E-Mail der Koordinierungsstelle."
                    )
                ]
            )
        return None
    return _address(event.organizer_name, event.organizer_email, "E-Mail der Koordinierungsstelle")


def _vevent(
    event: Event,
    override: Override | None = None,
    *,
    dtstamp: datetime,
    status: str,
    attendee: vCalAddress | None,
    organizer: vCalAddress | None,
    recurrence_id: datetime | None = None,
    sequence: int | None = None,
    series: bool = False,
    exdates: Iterable[datetime] = (),
) -> VEvent:
    """One VEVENT: a series (``series``: its own times, RRULE and ``exdates``), a single
    meeting, or the date of a series first at ``recurrence_id``; ``override`` moves the
    latter two. The ``sequence`` is the higher of the event's and the override's unless
    given."""
    if series:
        start, end, place = event.start, event.end, event.place
    else:
        original = event.start if recurrence_id is None else recurrence_id
        start, end, place = _moved(event, original, override)
    if sequence is None:
        sequence = _sequence(event, override)
    vevent = VEvent()
    vevent.add("uid", checked_uid(event.uid))
    vevent.add("sequence", sequence)
    vevent.add("dtstamp", dtstamp.astimezone(UTC))
    if recurrence_id is not None:
        vevent.add("recurrence-id", _berlin(recurrence_id))
    vevent.add("dtstart", _berlin(start))
    vevent.add("dtend", _berlin(end))
    if series and event.rrule:
        vevent.add("rrule", vRecur.from_ical(event.rrule.removeprefix("RRULE:")))
        for exdate in sorted(exdates):
            vevent.add("exdate", _berlin(exdate))
    vevent.add("summary", one_line(event.title))
    description = description_text(event, place)
    if description:
        vevent.add("description", description)
    if one_line(place.location):
        vevent.add("location", one_line(place.location))
    link = web_link(place.online_url)
    if link:
        vevent.add("url", link)
    categories = [one_line(c) for c in event.categories if one_line(c)]
    if categories:
        vevent.add("categories", categories)
    vevent.add("status", status)
    if organizer is not None:
        vevent.add("organizer", organizer)
    if attendee is not None:
        vevent.add("attendee", attendee)
    return vevent


def _components(
    event: Event,
    *,
    dtstamp: datetime,
    attendee: vCalAddress | None,
    organizer: vCalAddress | None,
    occurrence_attendees: Mapping[datetime, vCalAddress] | None = None,
) -> list[VEvent]:
    """The master VEVENT (with RRULE and EXDATEs) and one VEVENT per moved occurrence
    (with the attendee's answer for that date, when it differs)."""
    status = "CANCELLED" if event.cancelled else "CONFIRMED"
    overrides = matching_overrides(event)
    vevent = functools.partial(
        _vevent, event, dtstamp=dtstamp, status=status, attendee=attendee, organizer=organizer
    )
    if not event.rrule:
        # A single meeting has no occurrences to override: a move is simply its new time.
        override = next(iter(overrides.values()), None)
        if override is not None and override.cancelled:
            return [vevent(override, status="CANCELLED")]
        return [vevent(override)]
    per_date = occurrence_attendees or {}
    master = vevent(series=True, exdates=[rid for rid, o in overrides.items() if o.cancelled])
    moved = [
        vevent(override, recurrence_id=rid, attendee=per_date.get(rid, attendee))
        for rid, override in sorted(overrides.items())
        if not override.cancelled
    ]
    return [master, *moved]


def _sequence(event: Event, override: Override | None) -> int:
    # An occurrence never goes below its series: a client may otherwise ignore it as outdated.
    return max(event.sequence, override.sequence) if override is not None else event.sequence


def _moved(
    event: Event, original: datetime, override: Override | None
) -> tuple[datetime, datetime, Place]:
    duration = event.end - event.start
    if override is None or override.cancelled:
        return original, original + duration, event.place
    start = override.start or original
    end = override.end or start + duration
    return start, end, override.place or event.place


# --- the files --------------------------------------------------------------------------------


def invitation(
    event: Event,
    attendee: Attendee,
    *,
    dtstamp: datetime,
    occurrence_partstats: Mapping[datetime, str] | None = None,
) -> bytes:
    """METHOD:REQUEST for one recipient: the only ATTENDEE in the file is that person.

    ``occurrence_partstats``: the person's answer for single dates (by original start); a
    moved date's component carries it, so a date whose time changed asks again (NEEDS-ACTION)
    even where the series was accepted. RSVP=TRUE throughout.
    """
    cal = _calendar("REQUEST")
    organizer = _organizer(event, required=True)
    address = _attendee(attendee, rsvp=True)
    per_date = {
        rid: _attendee(dataclasses.replace(attendee, partstat=partstat), rsvp=True)
        for rid, partstat in (occurrence_partstats or {}).items()
    }
    for component in _components(
        event,
        dtstamp=dtstamp,
        attendee=address,
        organizer=organizer,
        occurrence_attendees=per_date,
    ):
        cal.add_component(component)
    return bytes(cal.to_ical())


def cancellation(
    event: Event,
    attendee: Attendee,
    *,
    dtstamp: datetime,
    recurrence_id: datetime | None = None,
) -> bytes:
    """METHOD:CANCEL for one recipient: the whole meeting or series, or one occurrence.

    The caller has already raised ``event.sequence``; that value is written. Also the message for
    a person who was removed from the invitation list (the whole meeting, for them).
    """
    cal = _calendar("CANCEL")
    organizer = _organizer(event, required=True)
    address = _attendee(attendee, rsvp=False)
    # A moved date is cancelled where it was moved to: its DTSTART is the moved start (the
    # date people know it by), its RECURRENCE-ID stays the original one.
    override = next((o for o in event.overrides if o.recurrence_id == recurrence_id), None)
    cal.add_component(
        _vevent(
            event,
            None if override is None else dataclasses.replace(override, cancelled=False),
            dtstamp=dtstamp,
            status="CANCELLED",
            attendee=address,
            organizer=organizer,
            recurrence_id=recurrence_id,
            sequence=event.sequence,
            series=recurrence_id is None,
        )
    )
    return bytes(cal.to_ical())


def feed(events: Iterable[Event], *, name: str, dtstamp: datetime) -> bytes:
    """METHOD:PUBLISH subscription feed: same UIDs as the invitations, no attendees.

    A cancelled meeting or series is left out: a subscribed calendar replaces its copy with the
    feed on every refresh, so the entry disappears; clients that would show STATUS:CANCELLED as
    a normal meeting (several do) never get the chance. A cancelled occurrence is an EXDATE, a
    moved one a component with RECURRENCE-ID, exactly as in the invitations.
    """
    cal = _calendar(
        "PUBLISH",
        {
            "x-wr-calname": one_line(name),
            "x-wr-timezone": TZID,
            # Subscribers refresh hourly (RFC 7986, and the property Outlook reads).
            "refresh-interval": timedelta(hours=1),
            "x-published-ttl": "PT1H",
        },
    )
    for event in events:
        if event.cancelled:
            continue
        for component in _components(
            event, dtstamp=dtstamp, attendee=None, organizer=_organizer(event, required=False)
        ):
            cal.add_component(component)
    return bytes(cal.to_ical())


def calendar_object(event: Event, *, dtstamp: datetime) -> bytes:
    """One event as a CalDAV resource: no METHOD (RFC 4791), no attendees, one UID."""
    cal = _calendar(None)
    for component in _components(
        event, dtstamp=dtstamp, attendee=None, organizer=_organizer(event, required=False)
    ):
        cal.add_component(component)
    return bytes(cal.to_ical())
