"""The agenda (Tagesordnung) of a sitting: its templates per meeting kind, TOPs and sub-items,
their order and the notes taken on each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from koordination.domain.enums import MeetingKind, StandingItem
from koordination.domain.inputs.sittings import ItemInput
from koordination.domain.models import AgendaItem
from koordination.domain.records.meetings import AgendaItemRecord, SittingRecord
from koordination.errors import FieldError, ValidationError
from koordination.services.sittings.records import SittingsBase

#: Agenda templates per meeting kind: (title, minutes) for a new sitting with an empty agenda.
TEMPLATES: dict[MeetingKind, tuple[tuple[str, int | None], ...]] = {
    MeetingKind.KONSORTIUMSSITZUNG: (
        ("Begrüßung und Feststellung der Tagesordnung", 5),
        ("Berichte aus den Arbeitskreisen", 30),
        ("Stand der Handlungsfelder", 30),
    ),
    MeetingKind.ARBEITSKREIS: (
        ("Begrüßung", 5),
        ("Berichte aus der Runde", 20),
    ),
    MeetingKind.WERKSTATT: (
        ("Ankommen und Begrüßung", 15),
        ("Einstieg: Wo stehen wir?", 30),
        ("Arbeitsphase in Gruppen", 90),
        ("Mittagspause", 45),
        ("Ergebnisse vorstellen und gewichten", 60),
        ("Verabredungen und Abschluss", 30),
    ),
    MeetingKind.NETZWERKTREFFEN: (("Begrüßung und Vorstellungsrunde", 15),),
    MeetingKind.SONSTIGES: (),
}


class Agenda(SittingsBase):
    """Use cases on a sitting's agenda. Every public method is one transaction."""

    def add_item(
        self, sitting_id: int, data: ItemInput, *, parent_id: int | None = None
    ) -> SittingRecord:
        """A new TOP, or a sub-item of ``parent_id``; a new TOP goes before "Verschiedenes"."""
        if not data.title.strip():
            raise ValidationError([FieldError("Titel", "darf nicht leer sein.")])
        if data.duration_minutes is not None and not 0 <= data.duration_minutes <= 24 * 60:
            raise ValidationError([FieldError("Dauer", "bitte Minuten zwischen 0 und 1440.")])
        with self.db.session() as session:
            sitting = self._editable(session, sitting_id)
            if parent_id is not None:
                parent = session.get(AgendaItem, parent_id)
                if parent is None or parent.sitting_id != sitting.id or parent.parent_id:
                    raise ValidationError(
                        [FieldError("Unterpunkt", "gehört zu keinem Hauptpunkt dieser Sitzung.")]
                    )
            siblings = _in_order(i for i in sitting.items if i.parent_id == parent_id)
            # The one rule: a new TOP goes before a trailing "Verschiedenes", which stays last;
            # a sub-item goes last under its TOP. The record returned shows exactly this order.
            index = len(siblings)
            if (
                parent_id is None
                and siblings
                and siblings[-1].standing == StandingItem.VERSCHIEDENES
            ):
                index -= 1
            _renumber([*siblings[:index], None, *siblings[index:]])
            position = index
            sitting.items.append(
                AgendaItem(
                    title=data.title.strip(),
                    parent_id=parent_id,
                    description=data.description.strip(),
                    presenter=data.presenter.strip(),
                    duration_minutes=data.duration_minutes,
                    public=data.public,
                    attachments=_attachments(data.attachments),
                    position=position,
                )
            )
            session.flush()
            return self._record(session, self._load(session, sitting.id))

    def update_item(self, original: AgendaItemRecord, data: ItemInput) -> None:
        """Save the TOP as the form shows it; its minutes (notes) are left alone. TOPs carry no
        version of their own: the sitting's changes with every note typed."""
        if not data.title.strip():
            raise ValidationError([FieldError("Titel", "darf nicht leer sein.")])
        with self.db.session() as session:
            item = self._item_of(session, original.id)
            item.title = data.title.strip()
            item.presenter = data.presenter.strip()
            item.duration_minutes = data.duration_minutes
            item.description = data.description.strip()
            item.public = data.public
            item.attachments = _attachments(data.attachments)

    def set_notes(self, item_id: int, text: str) -> None:
        """The minutes on one item; called often while typing, so it only writes that column."""
        with self.db.session() as session:
            self._item_of(session, item_id).notes = text

    def move_item(self, item_id: int, delta: int) -> None:
        """Move a TOP up (delta -1) or down (+1) among its siblings."""
        with self.db.session() as session:
            item = self._item_of(session, item_id)
            siblings = _in_order(i for i in item.sitting.items if i.parent_id == item.parent_id)
            index = siblings.index(item)
            target = index + delta
            if not 0 <= target < len(siblings):
                return
            siblings[index], siblings[target] = siblings[target], siblings[index]
            # Positions renumbered among the siblings: one step is one place, even where older
            # data left gaps or ties.
            _renumber(siblings)

    def remove_item(self, item_id: int) -> None:
        with self.db.session() as session:
            item = self._item_of(session, item_id)
            session.delete(item)


def _in_order(items: Iterable[AgendaItem]) -> list[AgendaItem]:
    """Items in agenda order: by position, ties (from older data) by when they were added."""
    return sorted(items, key=lambda i: (i.position, i.id or 0))


def _renumber(items: Sequence[AgendaItem | None]) -> None:
    """Positions 0, 1, 2 … in list order; ``None`` keeps a place free for a new item."""
    for position, item in enumerate(items):
        if item is not None:
            item.position = position


def _attachments(paths: Iterable[str]) -> str:
    return "\n".join(a.strip() for a in paths if a.strip())
