"""Data protection in the Personen area: erasing a person (Art. 17 DSGVO) — the question that
wants the family name typed out and asks about mentions by family name only, and what the
erasure did, with the backups that still hold the person — and the forms that restrict a
person's processing (Art. 18), record or decide an objection (Art. 21) and archive a person
with a reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.widgets import Button, Checkbox, Input, Static

from koordination.errors import FieldError
from koordination.tui.areas.list_area import ListArea
from koordination.tui.dialogs.base import Dialog
from koordination.tui.dialogs.form import FormScreen, key_hint
from koordination.tui.keys import bind
from koordination.tui.widgets.form import FieldSpec

if TYPE_CHECKING:
    from koordination.db.backup_contents import HeldCopy
    from koordination.domain.records.directory import ObjectionRecord, PersonRecord


class AmbiguousMention(Protocol):
    """A mention by family name only, as ``Privacy.surnames_to_confirm`` lists it."""

    where: str
    field: str
    excerpt: str


#: How many mentions by family name the erase dialog lists (the command line lists all).
SHOWN_MENTIONS = 5
#: The field the data-protection dialogs (Löschen, Auskunft) ask who asked with.
REQUESTER_LABEL = "Anfrage von (wer und wie; freiwillig)"
REQUESTER_HINT = "z. B. die Person selbst, E-Mail vom 02.12."


@dataclass(frozen=True)
class EraseAnswer:
    """The confirmed erasure: whether the mentions by family name only are replaced too, and
    who asked for it (noted in the trail and the request; may be empty)."""

    mask_surnames: bool
    requester: str = ""


def _reason(label: str, example: str) -> Any:
    """A builder for a one-field form: the reason, required."""

    def build(values: dict[str, Any]) -> tuple[str | None, list[FieldError]]:
        reason = " ".join(str(values.get("reason") or "").split())
        if not reason:
            return None, [FieldError(label, f"bitte angeben, z. B. „{example}“.")]
        return reason, []

    return build


def restrict_form(record: PersonRecord) -> FormScreen:
    """Restricting a person's processing (Art. 18 DSGVO) asks why; dismisses with the reason."""
    return FormScreen(
        f"Verarbeitung einschränken – {escape(record.display_name)}",
        [FieldSpec("reason", "Grund", placeholder="z. B. Richtigkeit bestritten")],
        {"reason": ""},
        _reason("Grund", "Richtigkeit bestritten"),
        note="Art. 18 DSGVO: Solange die Einschränkung gilt, bekommt die Person keine "
        "Einladung, steht in keinem Export und keinen offenen Daten und kann nicht bearbeitet "
        "werden. Die Daten bleiben gespeichert.",
    )


@dataclass(frozen=True)
class ObjectionAnswer:
    """A new objection (``objection_id`` 0) with its area and reason, or the decision on a
    recorded one; ``outcome`` empty: not decided yet."""

    objection_id: int
    scope: str
    reason: str
    outcome: str


def _objection(values: dict[str, Any]) -> tuple[ObjectionAnswer | None, list[FieldError]]:
    which = int(values.get("which") or 0)
    scope, reason, outcome = (
        " ".join(str(values.get(key) or "").split()) for key in ("scope", "reason", "outcome")
    )
    if which:
        if not outcome:
            return None, [
                FieldError("Ergebnis", "bitte die Entscheidung angeben, z. B. „stattgegeben“.")
            ]
        return ObjectionAnswer(which, "", "", outcome), []
    if not scope:
        return None, [FieldError("Bereich", "bitte angeben, wogegen, z. B. „Einladungen“.")]
    return ObjectionAnswer(0, scope, reason, outcome), []


def objection_form(record: PersonRecord, undecided: Sequence[ObjectionRecord]) -> FormScreen:
    """Recording an objection (Art. 21 DSGVO), or deciding one still open; dismisses with an
    :class:`ObjectionAnswer`."""
    fields = []
    note = (
        "Art. 21 DSGVO: wogegen sich die Person wendet (Bereich) und warum. Ein Ergebnis "
        "entscheidet gleich; leer bleibt der Widerspruch offen."
    )
    if undecided:
        choices = [("Neuen Widerspruch erfassen", 0)] + [
            (f"Nr. {o.id}: {o.scope} (offen)", o.id) for o in undecided
        ]
        fields.append(
            FieldSpec("which", "Widerspruch", kind="select", choices=choices, allow_blank=False)
        )
        note += " Für einen erfassten genügt das Ergebnis."
    fields += [
        FieldSpec("scope", "Bereich", placeholder="z. B. Einladungen, Fotos"),
        FieldSpec("reason", "Grund", placeholder="Begründung der Person (freiwillig)"),
        FieldSpec("outcome", "Ergebnis", placeholder="z. B. stattgegeben; leer: noch offen"),
    ]
    return FormScreen(
        f"Widerspruch – {escape(record.display_name)}",
        fields,
        {"which": 0, "scope": "", "reason": "", "outcome": ""},
        _objection,
        note=note,
    )


def archive_form(record: PersonRecord) -> FormScreen:
    """Archiving a person asks why; dismisses with the reason."""
    return FormScreen(
        f"Person archivieren – {escape(record.display_name)}",
        [FieldSpec("reason", "Grund", placeholder="z. B. ausgeschieden, verzogen")],
        {"reason": ""},
        _reason("Grund", "ausgeschieden"),
        note="Die Person verschwindet aus der Liste; nichts wird gelöscht. Wiederherstellen "
        "im Archiv (z): Eintrag wählen und x drücken.",
    )


def held_copies_text(copies: Sequence[HeldCopy]) -> str:
    """Which backups still hold the erased person and when each goes (Textual markup), as
    ``koordination people erase`` says it: a file per item, its folder and removal beneath."""
    if not copies:
        return "Keine der Sicherungen im Datenordner enthält die Person noch."
    count = "einer Sicherung" if len(copies) == 1 else f"{len(copies)} Sicherungen"
    lines = [f"[b]Die Person steht noch in {count}:[/b]"]
    for copy in copies:
        lines.append(f"• [b]{escape(copy.path.name)}[/b] – {escape(copy.kind)}")
        lines.append(f"  {escape(copy.removal)}")
        lines.append(f"  [dim]Ordner: {escape(str(copy.path.parent))}[/dim]")
    lines.append("")
    lines.append(
        "Wird eine davon zurückgespielt (db restore), löscht koordination die Person danach "
        "gleich wieder. Sicherungen an anderen Orten (z. B. USB-Stick) bitte selbst prüfen."
    )
    return "\n".join(lines)


class ErasedScreen(Dialog[None]):
    """What an erasure did, and the backups that still hold the person (they cannot be
    changed); Enter or Esc closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cancel", "close", "Schließen", label="Schließen"),
    ]

    def __init__(self, summary: str, copies: Sequence[HeldCopy]) -> None:
        super().__init__()
        self.summary = summary
        self.copies = list(copies)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="confirm-dialog"):
            yield Static("Gelöscht (Art. 17 DSGVO)", classes="dialog-title")
            yield Static(escape(self.summary), id="erased-summary", classes="dialog-note")
            yield Static(held_copies_text(self.copies), id="erased-copies")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Schließen (Esc)", variant="primary", id="close", compact=True)

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)


class TickBox(Checkbox):
    """A box that reads as text without colour: "[x]" ticked, "[ ]" not."""

    BUTTON_LEFT = "["
    BUTTON_RIGHT = "]"

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # Textual reads it per draw
        return "x" if self.value else " "


class EraseScreen(Dialog[EraseAnswer | None]):
    """Erasing a person (Art. 17 DSGVO) asks for their family name or LÖSCHEN typed out, so no
    slip of a key erases anybody. Mentions by salutation and a family name someone else shares
    ("Frau Weiß") are listed; they are replaced only when the box is ticked."""

    WORD = "LÖSCHEN"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cancel", "cancel", "Nicht löschen, Dialog schließen"),
    ]

    def __init__(self, record: PersonRecord, mentions: Sequence[AmbiguousMention] = ()) -> None:
        super().__init__()
        self.record = record
        self.mentions = list(mentions)

    def compose(self) -> ComposeResult:
        r = self.record
        with Vertical(id="dialog", classes="confirm-dialog"):
            yield Static(
                escape(f"{r.display_name} (Nr. {r.id}) endgültig löschen?"),
                classes="dialog-title",
            )
            yield Static(
                "• Name, Anschrift, E-Mail, Telefon, Notizen, Schlagworte und Einwilligungen "
                "werden überall entfernt, auch aus Protokollen und dem Änderungsprotokoll.\n"
                "• Protokolle, Anwesenheit und Statistiken bleiben stimmig: dort steht dann "
                "„N. N.“ mit dem Sektor, mit der Organisation nur, wo sie die Person nicht "
                "verrät. Mitgliedschaften enden heute.\n"
                "• Das lässt sich nur aus einer Sicherung rückgängig machen.",
                classes="dialog-warning",
            )
            if self.mentions:
                yield Static(self._mentions_text(), id="erase-mentions", classes="dialog-note")
                yield TickBox(
                    "Diese Erwähnungen meinen die Person: ebenfalls ersetzen",
                    id="erase-mask",
                    compact=True,
                )
            yield Static(REQUESTER_LABEL, classes="field-label")
            yield Input(id="erase-requester", placeholder=REQUESTER_HINT)
            yield Static(
                escape(f"Zur Bestätigung den Nachnamen „{r.family_name}“ oder {self.WORD} tippen:"),
                classes="field-label",
            )
            yield Input(id="erase-confirm")
            yield Static("", id="erase-problem", classes="form-summary")
            with Horizontal(classes="dialog-buttons"):
                # Enter in the field erases once the name is typed; Esc is the way out.
                yield Button(
                    "Endgültig löschen (Enter)",
                    variant="error",
                    id="erase",
                    disabled=True,
                    compact=True,
                )
                yield Button(
                    f"Abbrechen ({key_hint('cancel')})",
                    variant="primary",
                    id="cancel",
                    compact=True,
                )

    def _mentions_text(self) -> str:
        count = len(self.mentions)
        lines = [f"{count} Erwähnung(en) nur mit Nachnamen können auch eine andere Person meinen:"]
        lines += [
            f"• {escape(m.where)}, {escape(m.field)}: {escape(m.excerpt)}"
            for m in self.mentions[:SHOWN_MENTIONS]
        ]
        if count > SHOWN_MENTIONS:
            lines.append(
                f"… und {count - SHOWN_MENTIONS} weitere (alle zeigt "
                f"„koordination people erase {self.record.id}“)"
            )
        return "\n".join(lines)

    def _answer(self) -> EraseAnswer:
        boxes = self.query("#erase-mask")
        requester = " ".join(self.query_one("#erase-requester", Input).value.split())
        return EraseAnswer(bool(boxes) and self.query_one("#erase-mask", Checkbox).value, requester)

    def on_mount(self) -> None:
        self.query_one("#erase-requester", Input).focus()

    @on(Input.Submitted, "#erase-requester")
    def _requester_given(self, event: Input.Submitted) -> None:
        # Enter goes on to the confirmation; it never erases from here.
        event.stop()
        self.query_one("#erase-confirm", Input).focus()

    def _confirmed(self) -> bool:
        typed = self.query_one("#erase-confirm", Input).value.strip()
        family = self.record.family_name.strip()
        return typed.upper() == self.WORD or (bool(family) and typed == family)

    @on(Input.Changed, "#erase-confirm")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        ok = self._confirmed()
        self.query_one("#erase", Button).disabled = not ok
        problem = "" if ok or not event.value.strip() else "Das passt noch nicht."
        self.query_one("#erase-problem", Static).update(problem)

    @on(Input.Submitted, "#erase-confirm")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._confirmed():
            self.dismiss(self._answer())
        else:
            self.query_one("#erase-problem", Static).update(
                escape(
                    f"Bitte genau den Nachnamen „{self.record.family_name}“ oder {self.WORD} "
                    "tippen – oder Esc zum Abbrechen."
                )
            )

    @on(Button.Pressed, "#erase")
    def _erase(self) -> None:
        if self._confirmed():
            self.dismiss(self._answer())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class PersonPrivacyArea(ListArea):
    """The Personen area's acts of data protection on the selected person: erasure,
    restriction and archiving with a reason; edits wait while a restriction lasts."""

    def refused_while_restricted(self, record: PersonRecord) -> bool:
        """Say why a restricted person cannot be changed (and how to lift it); True then."""
        from koordination.services.privacy.restriction import RestrictedError, refuse_restricted

        try:
            refuse_restricted(record)
        except RestrictedError as refused:
            self.notify(refused.message, title="Eingeschränkt", severity="warning", markup=False)
            return True
        return False

    def action_restrict(self) -> None:
        """Restrict the selected person's processing (asks why); when restricted, lift it."""
        from koordination.services.privacy.restriction import restriction_note
        from koordination.tui.dialogs.form import ConfirmScreen

        record: PersonRecord | None = self.selected()
        core = self.core
        if record is None or core is None:
            return
        restrictions = core.restrictions

        def saved(message: str) -> None:
            self.notify(message, title="Einschränkung (Art. 18 DSGVO)", markup=False)
            self.changed("person")
            self.refresh_detail()

        if record.restricted_at is not None:

            def lift(yes: bool | None) -> None:
                if yes:
                    self.call_service(
                        lambda: restrictions.lift(record.id),
                        lambda _r: saved(f"Einschränkung für {record.display_name} aufgehoben."),
                    )

            self.app.push_screen(
                ConfirmScreen(
                    "Einschränkung aufheben?",
                    [
                        escape(restriction_note(record)),
                        "Danach wird die Person wieder eingeladen, exportiert und kann "
                        "bearbeitet werden.",
                    ],
                    "Aufheben",
                    "Abbrechen",
                    default="no",
                ),
                lift,
            )
            return

        def restrict(reason: str | None) -> None:
            if reason is not None:
                self.call_service(
                    lambda: restrictions.restrict(record.id, reason),
                    lambda _r: saved(
                        f"Die Verarbeitung von {record.display_name} ist eingeschränkt."
                    ),
                )

        self.app.push_screen(restrict_form(record), restrict)

    def action_objection(self) -> None:
        """Record an objection (Art. 21 DSGVO) of the selected person, or decide an open one."""
        record: PersonRecord | None = self.selected()
        core = self.core
        if record is None or core is None:
            return
        objections = core.objections

        def saved(objection: ObjectionRecord) -> None:
            state = (
                f"entschieden: {objection.outcome}"
                if objection.outcome
                else "noch nicht entschieden"
            )
            self.notify(
                f"Widerspruch Nr. {objection.id} von {record.display_name} gegen "
                f"„{objection.scope}“: {state}.",
                title="Widerspruch (Art. 21 DSGVO)",
                markup=False,
            )
            self.changed("person")
            self.refresh_detail()

        def answered(answer: ObjectionAnswer | None) -> None:
            if answer is None:
                return
            if answer.objection_id:
                self.call_service(
                    lambda: objections.decide(
                        answer.objection_id, answer.outcome, person_id=record.id
                    ),
                    saved,
                )
            else:
                self.call_service(
                    lambda: objections.record(
                        record.id, answer.scope, answer.reason, outcome=answer.outcome
                    ),
                    saved,
                )

        def ask(found: list[ObjectionRecord]) -> None:
            undecided = [o for o in found if o.decided_at is None]
            self.app.push_screen(objection_form(record, undecided), answered)

        self.call_service(lambda: objections.of_person(record.id), ask)

    def action_archive(self) -> None:
        """Archiving a person asks for the reason; bringing one back does not."""
        record: PersonRecord | None = self.selected()
        core = self.core
        if record is None or core is None:
            return
        if record.archived:
            super().action_archive()
            return
        if self.refused_while_restricted(record):
            return
        directory = core.directory

        def saved(person: PersonRecord) -> None:
            self.notify(
                f"{person.display_name} wurde archiviert ({person.archive_reason}). "
                "Wiederherstellen im Archiv (z): Eintrag wählen, x drücken.",
                title="Archiviert",
                markup=False,
                timeout=10,
            )
            self.changed(self.CHANGED)

        def archive(reason: str | None) -> None:
            if reason is not None:
                self.call_service(
                    lambda: directory.set_person_archived(record, True, reason), saved
                )

        self.app.push_screen(archive_form(record), archive)

    def action_erase(self) -> None:
        record: PersonRecord | None = self.selected()
        core = self.core
        if record is None or core is None:
            return
        privacy = core.privacy

        def call(answer: EraseAnswer) -> tuple[str, list[HeldCopy]]:
            report = privacy.erase_person(
                record.id, requester=answer.requester, mask_surnames=answer.mask_surnames
            )
            # Backups cannot be changed: which still hold the person, and when they go.
            return report.summary(), privacy.copies_holding(record.id)

        def done(result: tuple[str, list[HeldCopy]]) -> None:
            summary, copies = result
            self.changed("person")
            self.app.push_screen(ErasedScreen(summary, copies))

        def answer(confirmed: EraseAnswer | None) -> None:
            if confirmed is not None:
                self.call_service(lambda: call(confirmed), done)

        def ask(mentions: tuple[AmbiguousMention, ...]) -> None:
            self.app.push_screen(EraseScreen(record, mentions), answer)

        def check() -> tuple[AmbiguousMention, ...]:
            privacy.person_to_erase(record.id)
            return privacy.surnames_to_confirm(record.id)

        # An unknown or already erased person is refused before anybody types anything.
        self.call_service(check, ask)
