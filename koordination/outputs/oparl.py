"""Open data shaped after OParl 1.1: the network's groups, organisations, memberships, meetings
and agenda items as JSON, with people's names and contact data only where they consented.

What becomes what:

- **System** and one **Body**: the Body is the city's network ("Engagierte Stadt <Stadt>") from
  the city profile, with the Koordinierungsstelle as contact and its address as location.
- **Organization**, two kinds in one list:
  the network's groups (Konsortium, Arbeitskreise, Projektgruppen, Netzwerke) are the bodies
  that meet: ``organizationType`` "Gremium", ``classification`` the kind of group,
  ``subOrganizationOf`` the parent group. The member organisations (Vereine, Verwaltung,
  Unternehmen, …) follow with ``organizationType`` "Institution" ("Verwaltungsbereich" for the
  city administration), ``classification`` their sector (Zivilgesellschaft, Verwaltung, …) and
  their kind (Verein, Stiftung, …) as keyword. Archived groups are left out; an archived
  organisation appears only when a membership still names it. Organisations carry name, short
  name and website, not their postal address: a small initiative's address is often somebody's
  home.
- **Person**: only people with a current consent "Veröffentlichung in offenen Daten" (given, not
  withdrawn, person not archived) who belong to an exported group or organisation. They appear
  with name, form of address, title, e-mail addresses and phone numbers, and their memberships
  embedded. The consent "Kontaktdaten im Netzwerk teilen" publishes nobody: sharing within the
  network is not publishing on the internet. Nobody else appears at all, not even anonymously:
  no name, no e-mail, no phone, no pseudonymous id that would let a reader link one person's
  memberships.
- **Membership**: every membership in an exported group. A published person's carries role,
  voting right, start and end and ``onBehalfOf`` the organisation represented. Without the
  consent only the seat is visible – voting right and end, no ``person``, no role, no start
  date, no organisation: "Sprecher:in, für Jugendring, seit 2020" would name the person in a
  small group. A published person's affiliations with organisations become memberships of
  those organisations too (role: their function).
- **Meeting**: one per date. A series is expanded from its first date up to a year ahead of the
  export day; a one-off meeting always appears; every date that has a sitting appears. Moved
  dates carry their new time and place, cancelled ones ``cancelled``. ``meetingState`` is
  "terminiert", "eingeladen" or "durchgeführt" (approved minutes, or marked as held). The place
  is an embedded **Location** (also listed in ``location.json``); online links are never
  exported. Meetings not marked public are left out with their agendas; no attendance, chair or
  minute-taker is exported.
- **AgendaItem**: the sitting's agenda, embedded in its meeting and listed in
  ``agenda-item.json``: number ("2", "2.1"), name, order, public. A non-public item (or the
  sub-item of one) keeps its place but not its title. Decisions appear as ``result`` and
  ``resolutionText`` only once the minutes are approved.

Ids are URLs under the base URL the office configures (``oparl_base_url``). The export is a
folder of object lists in the OParl list format (``{"data", "pagination", "links"}``), named as
the Body's list URLs (``organization.json`` …) plus ``system.json``; published at the base URL,
a client follows System → Body → lists. The single objects' ids (``…/organization/gruppe-3``)
are stable identifiers; serving each one on its own needs a server, not just these files.

The reading happens in the open-data service (``core.open_data``; records in
:mod:`koordination.domain.records.open_data`); this module is pure: records in, OParl objects
out, written with the one atomic folder writer.

The folder is written into a temporary sibling and renamed into place, so a failure leaves the
previous export (or nothing). An existing folder is replaced only when it holds a previous
OParl export and nothing else.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from koordination.calendar.events import Occurrence, Place
from koordination.calendar.recurrence import expand
from koordination.clock import CITY_ZONE
from koordination.domain.enums import (
    MeetingStatus,
    OrganisationKind,
)
from koordination.domain.records.directory import display_name
from koordination.domain.records.open_data import ItemData, MeetingData, OParlSource, SittingData
from koordination.errors import KoordinationError
from koordination.files import atomic_folder
from koordination.paths import config_file

OPARL_VERSION = "https://schema.oparl.org/1.1/"

#: The object lists and their files; the keys are the Body's properties that point at them.
LIST_FILES: dict[str, str] = {
    "organization": "organization.json",
    "person": "person.json",
    "membership": "membership.json",
    "meeting": "meeting.json",
    "agendaItem": "agenda-item.json",
    "locationList": "location.json",
    "paper": "paper.json",
}
SYSTEM_FILE = "system.json"
BODY_FILE = "body.json"
#: Every file an export consists of: a folder holding these and nothing else is a previous one.
EXPORT_FILES = frozenset({SYSTEM_FILE, BODY_FILE, *LIST_FILES.values()})

#: How far ahead a series is expanded into dates.
HORIZON = timedelta(days=366)

NON_PUBLIC_ITEM = "Nicht öffentlicher Tagesordnungspunkt"

_MEETING_STATE = {
    MeetingStatus.GEPLANT: "terminiert",
    MeetingStatus.EINGELADEN: "eingeladen",
    MeetingStatus.DURCHGEFUEHRT: "durchgeführt",
}


# ---------------------------------------------------------------------------- base URL
def check_base_url(value: str | None) -> str:
    """The configured base URL without a trailing slash; a German error when it is missing
    or no http(s) address."""
    text = (value or "").strip()
    how = (
        f"Bitte in der Einstellungsdatei {config_file()} eintragen, zum Beispiel\n"
        f'  oparl_base_url = "https://offene-daten.example.org/engagierte-stadt"\n'
        "oder die Umgebungsvariable KOORDINATION_OPARL_BASE_URL setzen."
    )
    if not text:
        raise KoordinationError(
            "Für die offenen Daten (OParl) fehlt die Basis-URL: die Adresse, unter der die "
            "Koordinierungsstelle den Export veröffentlicht. Alle Kennungen im Export sind "
            f"Adressen darunter.\n{how}"
        )
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise KoordinationError(
            f"Die Basis-URL für die offenen Daten „{text}“ ist keine Web-Adresse der Form "
            f"https://server/pfad (ohne ? und #).\n{how}"
        )
    return text.rstrip("/")


# ---------------------------------------------------------------------------- building
@dataclass(frozen=True)
class OParlSummary:
    """What an export holds, for the message after writing it."""

    groups: int
    organisations: int
    persons: int
    memberships: int
    #: Memberships shown as seats without their person, for want of a publication consent.
    anonymous_memberships: int
    meetings: int
    agenda_items: int
    locations: int


@dataclass(frozen=True)
class OParlExport:
    """The export as JSON-ready objects: ``files`` maps each file name to its content."""

    files: dict[str, dict[str, Any]]
    summary: OParlSummary


class _Ids:
    """The URLs of the objects and lists under the base URL."""

    def __init__(self, base: str) -> None:
        self.base = base

    def url(self, *parts: str) -> str:
        return "/".join((self.base, *parts))

    def group(self, group_id: int) -> str:
        return self.url("organization", f"gruppe-{group_id}")

    def organisation(self, org_id: int) -> str:
        return self.url("organization", f"organisation-{org_id}")

    def person(self, person_id: int) -> str:
        return self.url("person", str(person_id))

    def group_membership(self, membership_id: int) -> str:
        return self.url("membership", f"gruppe-{membership_id}")

    def affiliation(self, affiliation_id: int) -> str:
        return self.url("membership", f"organisation-{affiliation_id}")

    def meeting(self, meeting_id: int, recurrence_id: datetime | None) -> str:
        # A series date is named by its original start, so moving it keeps its id.
        if recurrence_id is None:
            return self.url("meeting", str(meeting_id))
        return self.url("meeting", f"{meeting_id}-{recurrence_id.astimezone(UTC):%Y%m%dT%H%M%SZ}")

    def item(self, item_id: int) -> str:
        return self.url("agenda-item", str(item_id))

    def location(self, key: str) -> str:
        return self.url("location", key)


def _obj(object_id: str, kind: str) -> dict[str, Any]:
    return {"id": object_id, "type": f"https://schema.oparl.org/1.1/{kind}"}


def _instant(value: datetime) -> str:
    return value.astimezone(CITY_ZONE).isoformat(timespec="seconds")


def _stamps(obj: dict[str, Any], created: datetime, modified: datetime) -> dict[str, Any]:
    obj["created"] = _instant(created)
    obj["modified"] = _instant(modified)
    return obj


def _web_address(text: str) -> str | None:
    parts = urlsplit(text.strip())
    return text.strip() if parts.scheme in ("http", "https") and parts.hostname else None


_POSTAL = re.compile(r"(\d{5})\s+(\S.*)")


def location_fields(address: str, room: str = "") -> dict[str, str]:
    """A free-text address ("Rathaus, Marktplatz 3, 35999 Wiesenbrück") as OParl's location
    fields; the whole text stays in ``description`` when it cannot be taken apart."""
    parts = [p.strip() for p in re.split(r"[\n,]", address) if p.strip()]
    fields: dict[str, str] = {}
    description = ", ".join(p for p in (room.strip(), ", ".join(parts)) if p)
    if description:
        fields["description"] = description
    for i in range(len(parts) - 1, -1, -1):
        match = _POSTAL.fullmatch(parts[i])
        if match:
            fields["postalCode"], fields["locality"] = match.groups()
            if i > 0:
                fields["streetAddress"] = parts[i - 1]
            break
    if room.strip():
        fields["room"] = room.strip()
    return fields


def _mode(place: Place) -> str:
    on_site = bool(place.address or place.room)
    if on_site and place.online_url:
        return "Hybrid"
    return "Online" if place.online_url else "Präsenz"


def _list(url: str, data: list[dict[str, Any]]) -> dict[str, Any]:
    """One object list in OParl's list format, all on one page."""
    return {
        "data": data,
        "pagination": {
            "totalElements": len(data),
            "elementsPerPage": len(data),
            "currentPage": 1,
            "totalPages": 1,
        },
        "links": {"first": url, "last": url},
    }


def build_oparl(source: OParlSource, base_url: str, today: date) -> OParlExport:
    """The export's files from plain data; ``today`` (the city's date) bounds the series."""
    return _Builder(source, _Ids(check_base_url(base_url)), today).build()


class _Builder:
    """Turns one ``OParlSource`` into the object lists; every reference it writes points at
    an object it exports."""

    def __init__(self, source: OParlSource, ids: _Ids, today: date) -> None:
        self.source = source
        self.ids = ids
        self.today = today
        self.body_id = ids.url("body", str(source.city.id))
        self.group_ids = {g.id for g in source.groups}
        self.shared = {p.id: p for p in source.shared}
        referenced = {
            m.representing_id
            for m in source.memberships
            if m.representing_id and m.person_id in self.shared
        }
        referenced |= {a.organisation_id for a in source.affiliations if a.person_id in self.shared}
        self.organisations = [
            o for o in source.organisations if not o.archived or o.id in referenced
        ]
        self.org_ids = {o.id for o in self.organisations}
        self.locations: dict[str, dict[str, Any]] = {}
        #: Membership ids per organization id, and membership objects per person.
        self.members: dict[str, list[str]] = {}
        self.person_memberships: dict[int, list[dict[str, Any]]] = {}

    def build(self) -> OParlExport:
        memberships = self.memberships()
        organizations = self.organizations()
        persons = self.persons()
        meetings, items = self.meetings()
        body = self.body()
        lists: dict[str, list[dict[str, Any]]] = {
            BODY_FILE: [body],
            LIST_FILES["organization"]: organizations,
            LIST_FILES["person"]: persons,
            LIST_FILES["membership"]: memberships,
            LIST_FILES["meeting"]: meetings,
            LIST_FILES["agendaItem"]: items,
            LIST_FILES["locationList"]: sorted(self.locations.values(), key=lambda x: x["id"]),
            LIST_FILES["paper"]: [],
        }
        files = {SYSTEM_FILE: self.system()}
        files.update({name: _list(self.ids.url(name), data) for name, data in lists.items()})
        summary = OParlSummary(
            groups=len(self.source.groups),
            organisations=len(self.organisations),
            persons=len(persons),
            memberships=len(memberships),
            anonymous_memberships=sum(1 for m in memberships if "person" not in m),
            meetings=len(meetings),
            agenda_items=len(items),
            locations=len(self.locations),
        )
        return OParlExport(files, summary)

    def location(self, key: str, address: str, room: str) -> dict[str, Any]:
        if key not in self.locations:
            obj = _obj(self.ids.location(key), "Location")
            self.locations[key] = {**obj, **location_fields(address, room)}
        return self.locations[key]

    def _membership(
        self, obj: dict[str, Any], person_id: int, valid_from: date | None, valid_to: date | None
    ) -> dict[str, Any]:
        if valid_from and person_id in self.shared:
            obj["startDate"] = valid_from.isoformat()
        if valid_to:
            obj["endDate"] = valid_to.isoformat()
        self.members.setdefault(obj["organization"], []).append(obj["id"])
        if person_id in self.shared:
            self.person_memberships.setdefault(person_id, []).append(obj)
        return obj

    def memberships(self) -> list[dict[str, Any]]:
        """Group memberships (a seat without ``person``, role, start and organisation unless
        the person is published), then published people's affiliations."""
        ids = self.ids
        result: list[dict[str, Any]] = []
        for m in self.source.memberships:
            if m.group_id not in self.group_ids:
                continue
            obj = _obj(ids.group_membership(m.id), "Membership")
            published = m.person_id in self.shared
            if published:
                obj["person"] = ids.person(m.person_id)
            obj["organization"] = ids.group(m.group_id)
            if published:
                obj["role"] = m.role.label
            obj["votingRight"] = m.voting_right
            rep = m.representing_id
            if published and rep is not None and rep in self.org_ids:
                obj["onBehalfOf"] = ids.organisation(rep)
            result.append(self._membership(obj, m.person_id, m.valid_from, m.valid_to))
        for a in self.source.affiliations:
            if a.person_id not in self.shared or a.organisation_id not in self.org_ids:
                continue
            obj = _obj(ids.affiliation(a.id), "Membership")
            obj["person"] = ids.person(a.person_id)
            obj["organization"] = ids.organisation(a.organisation_id)
            if a.function.strip():
                obj["role"] = a.function.strip()
            result.append(self._membership(obj, a.person_id, a.valid_from, a.valid_to))
        return result

    def organizations(self) -> list[dict[str, Any]]:
        """The network's groups (the bodies that meet), then the member organisations."""
        ids = self.ids
        result: list[dict[str, Any]] = []
        for g in self.source.groups:
            obj = _obj(ids.group(g.id), "Organization")
            obj["body"] = self.body_id
            obj["name"] = g.name
            obj["organizationType"] = "Gremium"
            obj["classification"] = g.kind.label
            if g.parent_id is not None and g.parent_id in self.group_ids:
                obj["subOrganizationOf"] = ids.group(g.parent_id)
            obj["membership"] = self.members.get(obj["id"], [])
            result.append(_stamps(obj, g.created, g.modified))
        for o in self.organisations:
            obj = _obj(ids.organisation(o.id), "Organization")
            obj["body"] = self.body_id
            obj["name"] = o.name
            if o.short_name:
                obj["shortName"] = o.short_name
            administration = o.kind == OrganisationKind.KOMMUNALVERWALTUNG
            obj["organizationType"] = "Verwaltungsbereich" if administration else "Institution"
            obj["classification"] = o.sector.label
            obj["keyword"] = [o.kind.label]
            if website := _web_address(o.website):
                obj["website"] = website
            obj["membership"] = self.members.get(obj["id"], [])
            result.append(_stamps(obj, o.created, o.modified))
        return result

    def persons(self) -> list[dict[str, Any]]:
        """People who consented and belong to an exported group or organisation."""
        result: list[dict[str, Any]] = []
        for p in self.source.shared:
            if p.id not in self.person_memberships:
                continue
            obj = _obj(self.ids.person(p.id), "Person")
            obj["body"] = self.body_id
            obj["name"] = display_name(p.title, p.given_name, p.family_name)
            if p.family_name:
                obj["familyName"] = p.family_name
            if p.given_name:
                obj["givenName"] = p.given_name
            if p.salutation:
                obj["formOfAddress"] = p.salutation
            if p.title:
                obj["title"] = [p.title]
            if p.emails:
                obj["email"] = list(p.emails)
            if p.phones:
                obj["phone"] = list(p.phones)
            obj["membership"] = self.person_memberships[p.id]
            result.append(_stamps(obj, p.created, p.modified))
        return result

    def meetings(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """One meeting per date, in time order, and all their agenda items."""
        horizon = datetime.combine(self.today + HORIZON, datetime.min.time(), CITY_ZONE)
        sittings: dict[int, list[SittingData]] = {}
        for s in self.source.sittings:
            sittings.setdefault(s.meeting_id, []).append(s)
        dated: list[tuple[datetime, str, dict[str, Any]]] = []
        items: list[dict[str, Any]] = []
        for meeting in self.source.meetings:
            for occurrence, sitting in _dates(meeting, sittings.get(meeting.id, []), horizon):
                obj = self.meeting(meeting, occurrence, sitting)
                items.extend(obj.get("agendaItem", ()))
                dated.append((datetime.fromisoformat(obj["start"]), obj["id"], obj))
        dated.sort(key=lambda d: (d[0], d[1]))
        return [obj for _start, _id, obj in dated], items

    def meeting(
        self, meeting: MeetingData, occurrence: Occurrence, sitting: SittingData | None
    ) -> dict[str, Any]:
        series = meeting.event.rrule is not None
        obj = _obj(
            self.ids.meeting(meeting.id, occurrence.recurrence_id if series else None), "Meeting"
        )
        obj["name"] = occurrence.title
        if sitting is not None and sitting.approved:
            obj["meetingState"] = "durchgeführt"
        elif meeting.status in _MEETING_STATE:
            obj["meetingState"] = _MEETING_STATE[meeting.status]
        obj["cancelled"] = occurrence.cancelled
        start, end = occurrence.start, occurrence.end
        if sitting is not None and sitting.started_at and sitting.ended_at:
            start, end = sitting.started_at, sitting.ended_at  # as it took place
        obj["start"] = _instant(start)
        obj["end"] = _instant(end)
        place = occurrence.place
        if place.address.strip() or place.room.strip():
            key = hashlib.sha256(f"{place.address}\n{place.room}".encode()).hexdigest()[:16]
            obj["location"] = self.location(key, place.address, place.room)
        organizers = [self.ids.group(g) for g in meeting.group_ids if g in self.group_ids]
        if organizers:
            obj["organization"] = organizers
        if sitting is not None and sitting.items:
            obj["agendaItem"] = _agenda(self.ids, obj["id"], sitting)
        obj["keyword"] = [meeting.kind.label, _mode(place)]
        return _stamps(obj, meeting.created, meeting.modified)

    def body(self) -> dict[str, Any]:
        city = self.source.city
        body = _obj(self.body_id, "Body")
        body["system"] = self.ids.url(SYSTEM_FILE)
        body["name"] = f"Engagierte Stadt {city.name}"
        body["shortName"] = city.name
        body["classification"] = "Netzwerk Engagierte Stadt"
        if city.office_name:
            body["contactName"] = city.office_name
        if city.office_email:
            body["contactEmail"] = city.office_email
        if city.office_address.strip():
            body["location"] = self.location("koordinierungsstelle", city.office_address, "")
        for key, file_name in LIST_FILES.items():
            body[key] = self.ids.url(file_name)
        body["legislativeTerm"] = []
        return body

    def system(self) -> dict[str, Any]:
        city = self.source.city
        system = _obj(self.ids.url(SYSTEM_FILE), "System")
        system["oparlVersion"] = OPARL_VERSION
        system["body"] = self.ids.url(BODY_FILE)
        system["name"] = f"Offene Daten der Engagierten Stadt {city.name}"
        if city.office_name:
            system["contactName"] = city.office_name
        if city.office_email:
            system["contactEmail"] = city.office_email
        return system


def _dates(
    meeting: MeetingData, sittings: Sequence[SittingData], horizon: datetime
) -> list[tuple[Occurrence, SittingData | None]]:
    """The meeting's dates with their sittings: a one-off meeting's one date, a series' dates
    up to ``horizon``, and any date that has a sitting."""
    event = meeting.event
    if not event.rrule:
        far = timedelta(days=36500)
        found = expand(event, event.start - far, event.end + far)
        if not found:
            return []
        start = event.start.astimezone(UTC)
        sitting = next((s for s in sittings if s.occurrence == start), None)
        return [(found[0], sitting or (sittings[0] if sittings else None))]
    by_start = {s.occurrence.astimezone(UTC): s for s in sittings}
    dates: list[tuple[Occurrence, SittingData | None]] = []
    for occurrence in expand(event, event.start - HORIZON, horizon):
        dates.append((occurrence, by_start.pop(occurrence.recurrence_id.astimezone(UTC), None)))
    # Sittings of dates past the horizon, or of dates a changed rule no longer produces.
    duration = event.end - event.start
    for rid, sitting in sorted(by_start.items()):
        start = rid.astimezone(CITY_ZONE)
        dates.append(
            (
                Occurrence(event.uid, start, start, start + duration, event.title, event.place),
                sitting,
            )
        )
    return dates


def _agenda(ids: _Ids, meeting_id: str, sitting: SittingData) -> list[dict[str, Any]]:
    """Numbered like the minutes: top items 1, 2, …; their sub-items 2.1, 2.2, …"""
    top = [i for i in sitting.items if i.parent_id is None]
    children: dict[int, list[ItemData]] = {}
    for i in sitting.items:
        if i.parent_id is not None:
            children.setdefault(i.parent_id, []).append(i)
    numbered: list[tuple[ItemData, str, bool]] = []
    for n, item in enumerate(top, start=1):
        numbered.append((item, str(n), item.public))
        for k, child in enumerate(children.get(item.id, []), start=1):
            numbered.append((child, f"{n}.{k}", item.public and child.public))
    objects: list[dict[str, Any]] = []
    for order, (item, number, public) in enumerate(numbered, start=1):
        obj = _obj(ids.item(item.id), "AgendaItem")
        obj["meeting"] = meeting_id
        obj["number"] = number
        obj["order"] = order
        obj["name"] = item.title if public else NON_PUBLIC_ITEM
        obj["public"] = public
        if public and sitting.approved and item.decisions:
            results = dict.fromkeys(result.label for _wording, result in item.decisions)
            obj["result"] = "; ".join(results)
            obj["resolutionText"] = "\n\n".join(wording for wording, _result in item.decisions)
        objects.append(obj)
    return objects


# ---------------------------------------------------------------------------- writing
def is_previous_export(folder: Path) -> bool:
    """A folder holding an OParl export of koordination's and nothing else."""
    try:
        names = set(os.listdir(folder))
        if SYSTEM_FILE not in names or not names <= EXPORT_FILES:
            return False
        system = json.loads((folder / SYSTEM_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(system, dict) and system.get("type") == f"{OPARL_VERSION}System"


def _check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise KoordinationError(
            f"{target} ist eine Datei. Der OParl-Export ist ein Ordner mit mehreren "
            "JSON-Dateien; bitte einen Ordner angeben. Es wurde nichts verändert."
        )
    if target.is_dir() and any(target.iterdir()) and not is_previous_export(target):
        raise KoordinationError(
            f"Der Ordner {target} ist nicht leer und enthält keinen früheren OParl-Export; "
            "seine Dateien werden nicht überschrieben. Bitte einen leeren oder neuen Ordner "
            "angeben. Es wurde nichts verändert."
        )


def write_oparl(export: OParlExport, target: Path | str) -> None:
    """Write the files into a temporary sibling folder, then rename it into place; a previous
    export there is replaced, anything else is refused."""
    with atomic_folder(target, check=_check_target, error=_cannot_write) as folder:
        for name, content in export.files.items():
            with (folder / name).open("w", encoding="utf-8", newline="\n") as fh:
                json.dump(content, fh, ensure_ascii=False, indent=2)
                fh.write("\n")


def _cannot_write(target: Path, exc: OSError) -> KoordinationError:
    return KoordinationError(
        f"Der OParl-Export nach {target} kann nicht geschrieben werden "
        f"({exc.strerror or exc}). Es wurde nichts verändert."
    )


def export_oparl(source: OParlSource, base_url: str, target: Path | str) -> OParlSummary:
    """Build the open-data export from what ``core.open_data.source()`` read and write it
    into the folder ``target``; returns what it holds."""
    base = check_base_url(base_url)
    export = build_oparl(source, base, source.read_at.astimezone(CITY_ZONE).date())
    write_oparl(export, target)
    return export.summary
