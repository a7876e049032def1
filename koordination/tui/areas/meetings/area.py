"""The Termine area (tab 6): the agenda and its dates (view and date actions), and everything
about who is invited: answers by hand or from the mailbox, guests, the list, sending."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.binding import BindingType

from koordination.domain.enums import MeetingStatus
from koordination.domain.records.meetings import InvitationRow, MeetingRecord
from koordination.errors import KoordinationError
from koordination.tui.areas.meetings.dates import DateActions
from koordination.tui.keys import bind

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.delivery.settings import SmtpSettings
    from koordination.domain.inputs.meetings import AnswerInput
    from koordination.services.meetings.mailbox import FetchReport
    from koordination.tui.dialogs.send import SendOffer


class MeetingsArea(DateActions):
    # The footer shows them in this order: at 80 columns the first seven fit.
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("sitting", "open_sitting", "Sitzung öffnen: Tagesordnung, Anwesenheit, Protokoll"),
        bind("new", "new", "Termin oder Serie anlegen"),
        bind("edit", "edit", "Termin oder Serie bearbeiten"),
        bind("invite", "send", "Einladungen senden oder als Dateien speichern"),
        bind("move", "move", "Diesen Termin verschieben"),
        bind("cancel_date", "cancel_occurrence", "Diesen Termin absagen"),
        bind("month", "toggle_month", "Monatsansicht / Agenda umschalten"),
        bind("answer", "answer", "Antwort einer Person erfassen", label="Antwort"),
        bind(
            "review",
            "review",
            "Rückmeldungen prüfen: Gegenvorschläge, Kommentare, Vertretungen, nicht Verbuchtes",
        ),
        bind("cancel_series", "cancel_meeting", "Ganze Serie/Termin absagen"),
        bind(
            "fetch_answers",
            "fetch_replies",
            "Antworten abholen: aus dem Postfach der Stelle ([imap]) verbuchen",
        ),
        bind("guest", "invite_guest", "Einzelne Person als Gast einladen", label="Gast"),
        bind(
            "remove",
            "uninvite",
            "Person von der Einladungsliste nehmen (fragt nach)",
            label="Von der Liste",
        ),
        bind("history", "history", "Verlauf: Änderungen am Termin"),
        bind("goto", "goto", "Termine ab einem Datum zeigen"),
        bind("today", "today", "Termine ab heute zeigen"),
        bind("filter", "filter_group", "Termine nach Gruppe filtern", label="Gruppe"),
        bind("more", "more", "Agenda: weitere 12 Wochen laden"),
    ]

    # ------------------------------------------------------------------ answers
    def action_answer(self) -> None:
        from koordination.tui.dialogs.meeting import answer_form

        picked = self.selected()
        if picked is None:
            return
        row, meeting = picked
        invitations = [r for r in self.current_invitations if not r.removed]
        if not invitations:
            self.notify(
                "Noch niemand steht auf der Einladungsliste. Erst einladen: Taste s.",
                severity="warning",
            )
            return
        meetings = self.meetings
        assert meetings is not None
        names = {r.invitation_id: r.name for r in invitations}

        def done(answer: AnswerInput | None) -> None:
            if answer is None:
                return
            self.call_service(
                lambda: meetings.set_response(
                    answer.invitation_id, answer.status, answer.recurrence_id
                ),
                lambda _none: self._saved(
                    f"Antwort von {names.get(answer.invitation_id, '')}: {answer.status.label}."
                ),
            )

        self.app.push_screen(answer_form(meeting, row, invitations), done)

    # ------------------------------------------------------------------ invitation list
    def action_invite_guest(self) -> None:
        """One person as a guest, whatever their groups: found by typing part of the name."""
        from koordination.tui.areas.people import person_search
        from koordination.tui.dialogs.pickers import PersonPickerScreen

        picked = self.selected()
        core = self.needs_core()
        if picked is None or core is None:
            return
        directory = core.directory
        _row, meeting = picked
        if meeting.status == MeetingStatus.ABGESAGT:
            self.notify("Dieser Termin ist abgesagt.", severity="warning")
            return
        meetings = self.meetings
        assert meetings is not None
        people, count = person_search(directory)

        def call(pid: int) -> tuple[int, str]:
            added = meetings.invite(meeting.id, person_ids=[pid])
            rows = meetings.invitation_list(meeting.id)
            name = next((r.name for r in rows if r.person_id == pid), f"Person Nr. {pid}")
            return added, name

        def invited(result: tuple[int, str]) -> None:
            added, name = result
            if not added:
                self.notify(f"{name} steht schon auf der Einladungsliste.", markup=False)
                return
            self._saved(
                f"{name} steht jetzt auf der Einladungsliste; die Einladung geht mit dem "
                "nächsten Versand (Taste s) raus."
            )

        def done(pid: int | None) -> None:
            if pid is not None:
                self.call_service(lambda: call(pid), invited)

        self.app.push_screen(
            PersonPickerScreen(
                f"Gast einladen – {meeting.title}",
                people,
                count,
                action="Einladen",
                note="Die Person kommt als Gast auf die Einladungsliste, "
                "auch ohne Mitglied einer der Gruppen zu sein.",
            ),
            done,
        )

    def action_uninvite(self) -> None:
        from koordination.tui.dialogs.form import ConfirmScreen
        from koordination.tui.dialogs.meeting import uninvite_form

        picked = self.selected()
        if picked is None:
            return
        _row, meeting = picked
        listed = [r for r in self.current_invitations if not r.removed]
        if not listed:
            self.notify("Niemand steht auf der Einladungsliste.", severity="warning")
            return
        meetings = self.meetings
        assert meetings is not None
        by_person = {r.person_id: r for r in listed}

        def taken_off(person: InvitationRow) -> None:
            if person.sent_sequence is not None:
                after = (
                    f"{person.name} hatte die Einladung schon erhalten und bekommt mit dem "
                    "nächsten Versand (Taste s) eine Absage."
                )
            else:
                after = "Die Einladung war noch nicht verschickt; es geht keine Absage raus."
            self._saved(f"{person.name} steht nicht mehr auf der Einladungsliste. {after}")

        def chosen(pid: int | None) -> None:
            person = by_person.get(pid) if pid is not None else None
            if person is None:
                return

            def answer(yes: bool | None) -> None:
                if yes:
                    self.call_service(
                        lambda: meetings.uninvite(meeting.id, person.person_id),
                        lambda _none: taken_off(person),
                    )

            lines = [f"{person.name} von der Einladungsliste für „{meeting.title}“ nehmen?"]
            if person.sent_sequence is not None:
                lines.append(
                    "Die Einladung ist schon verschickt: mit dem nächsten Versand (Taste s) "
                    "geht eine Absage raus, der Kalender entfernt den Eintrag."
                )
            if person.via != "Gast":
                lines.append(
                    f"Beim nächsten Einladen der Gruppe {person.via} kommt die Person nicht "
                    "wieder auf die Liste; wieder einladen: Taste G."
                )
            self.app.push_screen(
                ConfirmScreen("Von der Liste nehmen", lines, "Von der Liste nehmen", "Behalten"),
                answer,
            )

        self.app.push_screen(uninvite_form(meeting, listed), chosen)

    # ------------------------------------------------------------------ answers by mail
    def action_fetch_replies(self) -> None:
        core = self.needs_core()
        if core is None:
            return
        self._status("Antworten abholen: Postfach wird geöffnet …")
        self._fetch_replies(core)

    @work(thread=True, exclusive=True, group="fetch-replies")
    def _fetch_replies(self, core: Core) -> None:
        """Runs in a worker: the same fetch as `koordination replies fetch`, with progress."""
        from koordination.delivery.settings import load_imap_settings
        from koordination.tui.progress import Throttled

        def show(done: int, total: int) -> None:
            text = f"Antworten abholen: {done} von {total} Nachrichten geprüft …"
            self.app.call_from_thread(self._status, text)

        try:
            report = core.reply_fetch.run(load_imap_settings(), progress=Throttled(show))
        except KoordinationError as exc:
            # The first sentences and where to set it up; the example belongs to the CLI.
            message = exc.message.splitlines()[0].split(", zum Beispiel")[0]
            self.app.call_from_thread(self._fetched, None, message)
        except Exception as exc:  # the UI must survive anything the server or database throws
            message = f"Antworten abholen fehlgeschlagen ({type(exc).__name__})."
            self.app.call_from_thread(self._fetched, None, message)
        else:
            self.app.call_from_thread(self._fetched, report, None)

    def _fetched(self, report: FetchReport | None, error: str | None) -> None:
        if report is None:
            self._status("Antworten abholen: fehlgeschlagen.")
            self.notify(error or "", title="Antworten abholen", severity="error", timeout=12)
            return
        summary = f"Antworten abholen: {report.summary()}"
        self._status(summary)
        self.notify(
            report.summary(),
            title="Antworten abholen",
            severity="warning" if report.unassigned else "information",
            timeout=12,
        )
        if report.booked:
            self.refresh_detail()  # the answers of the highlighted date; the agenda stays
        self.refresh_review_count(summary)

    # ------------------------------------------------------------------ review list
    def action_review(self) -> None:
        """The replies to look at: accept a proposal (the date moves), invite a delegate,
        file away; the agenda reloads afterwards when something changed."""
        from koordination.tui.screens.review import ReviewScreen

        core = self.needs_core()
        if core is None:
            return

        def closed(changed: bool | None) -> None:
            if changed:
                self.changed("meeting")
            else:
                self.refresh_review_count()

        self.app.push_screen(ReviewScreen(core), closed)

    # ------------------------------------------------------------------ invitations
    def action_send(self) -> None:
        picked = self.selected()
        if picked is None:
            return
        _row, meeting = picked
        core = self.core
        assert core is not None
        self.call_service(lambda: self._offer(core, meeting), self._show_offer)

    @staticmethod
    def _offer(core: Core, meeting: MeetingRecord) -> SendOffer:
        """Runs in a worker: put the groups' current members on the list, plan what goes out."""
        from koordination.delivery.settings import load_smtp_settings
        from koordination.outputs.files import invitation_folder
        from koordination.outputs.registry import invitation_attachment
        from koordination.services.meetings import dispatch
        from koordination.tui.dialogs.send import SendOffer

        meetings = core.meetings
        added = meetings.invite(meeting.id, group_ids=meeting.group_ids)
        plan = meetings.plan_delivery(meeting.id)
        folder = invitation_folder(plan.meeting)
        mail_problem: str | None = None
        settings: SmtpSettings | None = None
        try:
            settings = load_smtp_settings()
        except KoordinationError as exc:
            # The first sentence and where to set it up; the example belongs to the CLI.
            mail_problem = exc.message.splitlines()[0].split(", zum Beispiel")[0]

        def write_files(progress: Callable[[int, int], None]) -> str:
            count, target = dispatch.write_files(meetings, plan, folder, progress)
            return f"{count} Dateien in {target} gespeichert."

        def send_mail(progress: Callable[[int, int], None]) -> tuple[str, list[str]]:
            letter = invitation_attachment(core, plan.meeting)
            result = dispatch.send_mails(meetings, plan, settings, progress, letter)
            return result.summary(), list(result.failures)

        return SendOffer(plan, added, folder, mail_problem, write_files, send_mail)

    def _show_offer(self, offer: SendOffer) -> None:
        from koordination.tui.dialogs.send import SendScreen

        if offer.added:
            # The list changed even if nothing is sent in the end.
            self.refresh_detail()

        def done(delivered: bool | None) -> None:
            if delivered:
                self.changed("meeting")

        self.app.push_screen(SendScreen(offer), done)
