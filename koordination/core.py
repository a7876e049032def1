"""The core: one database, one clock and every service; `open_core` is the only bootstrap.

The CLI, the TUI, the demo and the tests all get their services from a `Core`. Services are
built on first use (importing one is not free), always on the same database and clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from koordination.clock import SYSTEM_CLOCK, Clock

if TYPE_CHECKING:
    from koordination.config import Settings
    from koordination.db.engine import Database
    from koordination.db.glance import Glance
    from koordination.db.roles import Access
    from koordination.services.art14 import Art14Notices
    from koordination.services.circulars.service import Circulars
    from koordination.services.circulars.unsubscribe import Unsubscribes
    from koordination.services.consent_texts import Consents
    from koordination.services.directory.imports.service import Imports
    from koordination.services.directory.service import Directory
    from koordination.services.fields.service import ActionFields
    from koordination.services.meetings.mailbox import ReplyFetch
    from koordination.services.meetings.service import Meetings
    from koordination.services.minutes_mail import MinutesMail
    from koordination.services.network import Network
    from koordination.services.offers.reminders import Reminders
    from koordination.services.offers.service import Offers
    from koordination.services.open_data import OpenData
    from koordination.services.privacy.audit_trail import AuditTrail
    from koordination.services.privacy.objections import Objections
    from koordination.services.privacy.paperwork import Paperwork
    from koordination.services.privacy.requests import PrivacyRequests
    from koordination.services.privacy.restriction import Restrictions
    from koordination.services.privacy.retention import Retention
    from koordination.services.privacy.service import Privacy
    from koordination.services.programme import Programme
    from koordination.services.reminders import Reminders as MailReminders
    from koordination.services.sittings.service import Sittings
    from koordination.services.surveys.response_import import ResponseImport
    from koordination.services.surveys.results import Evaluation
    from koordination.services.surveys.service import Surveys


@dataclass(eq=False)
class Core:
    """Every service of koordination on one database and one clock."""

    db: Database
    clock: Clock = SYSTEM_CLOCK
    #: Where `open_core` put the copy it made before upgrading the schema (else ``None``).
    upgrade_backup: Path | None = None
    settings: Settings | None = field(default=None, repr=False)

    @cached_property
    def directory(self) -> Directory:
        from koordination.services.directory.service import Directory

        return Directory(self.db, self.clock)

    @cached_property
    def imports(self) -> Imports:
        """CSV imports of people and organisations into the directory."""
        from koordination.services.directory.imports.service import Imports

        return Imports(self.db, self.clock)

    @cached_property
    def meetings(self) -> Meetings:
        from koordination.services.meetings.service import Meetings

        return Meetings(self.db, clock=self.clock)

    @cached_property
    def reply_fetch(self) -> ReplyFetch:
        """Answers fetched from the office's mailbox ([imap] in the settings) and booked."""
        from koordination.paths import data_dir
        from koordination.services.meetings.mailbox import ReplyFetch

        return ReplyFetch(self.meetings, data_dir(), self.unsubscribes)

    @cached_property
    def sittings(self) -> Sittings:
        """Agendas, attendance, minutes, decisions and tasks of single sittings."""
        from koordination.services.sittings.service import Sittings

        return Sittings(self.db, clock=self.clock)

    @cached_property
    def surveys(self) -> Surveys:
        from koordination.services.surveys.service import Surveys

        return Surveys(self.db, self.clock)

    @cached_property
    def survey_results(self) -> Evaluation:
        from koordination.services.surveys.results import Evaluation

        return Evaluation(self.db, self.clock)

    @cached_property
    def survey_import(self) -> ResponseImport:
        from koordination.services.surveys.response_import import ResponseImport

        return ResponseImport(self.db, self.clock)

    @cached_property
    def fields(self) -> ActionFields:
        """Action fields, goals, measures and indicators."""
        from koordination.services.fields.service import ActionFields

        return ActionFields(self.db)

    @cached_property
    def offers(self) -> Offers:
        """Engagement opportunities (Mitwirkungsmöglichkeiten) and what is published of them."""
        from koordination.services.offers.service import Offers

        return Offers(self.db, self.clock)

    @cached_property
    def offer_reminders(self) -> Reminders:
        """Asking the contacts of offers not confirmed for a while whether they still hold."""
        from koordination.services.offers.reminders import Reminders

        return Reminders(self.db, self.clock)

    @cached_property
    def circulars(self) -> Circulars:
        """Circular e-mails (Rundmail) to the network: plan, store, send, list."""
        from koordination.services.circulars.service import Circulars

        return Circulars(self.db, self.clock)

    @cached_property
    def unsubscribes(self) -> Unsubscribes:
        """Replies "abmelden" to circular e-mails: the consent to them withdrawn."""
        from koordination.services.circulars.unsubscribe import Unsubscribes

        return Unsubscribes(self.db, self.clock)

    @cached_property
    def minutes_mail(self) -> MinutesMail:
        """Approved minutes by e-mail to the meeting's groups and who was present."""
        from koordination.services.minutes_mail import MinutesMail

        return MinutesMail(self.db, self.clock)

    @cached_property
    def reminders(self) -> MailReminders:
        """Reminders of meeting dates and of tasks due, sent by themselves (cron)."""
        from koordination.services.reminders import Reminders

        return Reminders(self.db, self.clock)

    @cached_property
    def network(self) -> Network:
        from koordination.services.network import Network

        return Network(self.db, self.clock)

    @cached_property
    def open_data(self) -> OpenData:
        """What the open-data export (OParl) may show."""
        from koordination.services.open_data import OpenData

        return OpenData(self.db, self.clock)

    @cached_property
    def consents(self) -> Consents:
        """The catalogue of consent texts; consents given and withdrawn with their proof."""
        from koordination.services.consent_texts import Consents

        return Consents(self.db, self.clock)

    @cached_property
    def art14(self) -> Art14Notices:
        """Who still awaits the information owed under Art. 14 DSGVO (imported people)."""
        from koordination.services.art14 import Art14Notices

        return Art14Notices(self.db, self.clock)

    @cached_property
    def retention(self) -> Retention:
        from koordination.services.privacy.retention import Retention

        return Retention(self.db, self.clock)

    @cached_property
    def programme(self) -> Programme:
        """The programme Engagierte Stadt: eligibility, Steckbrief and annual report."""
        from koordination.services.programme import Programme

        return Programme(self.db, self.clock)

    @cached_property
    def privacy(self) -> Privacy:
        """The access report (Art. 15/20 DSGVO) and erasure (Art. 17) of one person."""
        from koordination.services.privacy.service import Privacy

        return Privacy(self.db, self.clock)

    def paperwork(self) -> Paperwork:
        """What the record of processing (Art. 30) and the information text (Art. 13/14) say,
        read now."""
        from koordination.services.privacy.paperwork import paperwork

        return paperwork(self.db, self.clock)

    @cached_property
    def privacy_requests(self) -> PrivacyRequests:
        """Data subjects' requests (Art. 15-21 DSGVO) with their one-month deadline."""
        from koordination.services.privacy.requests import PrivacyRequests

        return PrivacyRequests(self.db, self.clock)

    @cached_property
    def restrictions(self) -> Restrictions:
        """Restriction of processing (Art. 18 DSGVO): restrict a person, lift it."""
        from koordination.services.privacy.restriction import Restrictions

        return Restrictions(self.db, self.clock)

    @cached_property
    def objections(self) -> Objections:
        """Objections to processing (Art. 21 DSGVO): record and decide them."""
        from koordination.services.privacy.objections import Objections

        return Objections(self.db, self.clock)

    @cached_property
    def audit(self) -> AuditTrail:
        from koordination.services.privacy.audit_trail import AuditTrail

        return AuditTrail(self.db)

    @cached_property
    def access(self) -> Access:
        """The database login and its role (koordination.db.roles): one query on PostgreSQL
        when first asked; a SQLite file's user may do everything."""
        from koordination.db.roles import current_access

        return current_access(self.db)

    def on(self, clock: Clock) -> Core:
        """The same database seen with another clock (a report "as of" a day)."""
        return Core(self.db, clock, self.upgrade_backup, self.settings)

    def daily_backup(self) -> str | None:
        """The daily backup when it is switched on and due; a German warning if it failed."""
        from koordination.db.auto_backup import auto_backup_at_start

        return auto_backup_at_start(self.db, self.clock.now())

    def close(self) -> None:
        self.db.dispose()


def open_core(
    url: str | None = None,
    *,
    migrate: bool = True,
    create: bool = False,
    clock: Clock = SYSTEM_CLOCK,
    actor: str | None = None,
) -> Core:
    """The core on the database at ``url`` (a path or a SQLAlchemy URL; default: the settings,
    then the file in the user's data folder), brought to the newest schema when ``migrate``.

    A database file named explicitly must exist unless ``create`` (a typo in ``--db`` must not
    answer "0 Personen" from a new empty file); the default file is made on first use. A
    PostgreSQL database is migrated only with ``create`` (``db upgrade``, ``demo``): an older
    one is refused, since others share it."""
    from koordination.config import load_settings
    from koordination.db.engine import Database, resolve_url
    from koordination.db.schema_head import at_head

    settings = load_settings()
    named = url or settings.database
    resolved = resolve_url(named)
    # The default file (the interface's first start) is no typo: it is made on first use.
    if named and not create and resolved != resolve_url(None):
        _refuse_missing_file(resolved)
    db = Database(resolved)
    db.actor = actor or settings.who
    db.clock = clock
    made: Path | None = None
    # One query when the schema is current; the migration machinery only when it is not.
    if migrate and not at_head(db):
        from koordination.db import migrations

        try:
            if db.is_sqlite or create:
                made = migrations.upgrade(db)
            else:
                migrations.refuse_older_shared(db)
        except BaseException:
            db.dispose()
            raise
    return Core(db, clock, made, settings)


def first_glance(url: str, clock: Clock = SYSTEM_CLOCK) -> Glance | None:
    """The Übersicht's first figures straight from a SQLite file at the current schema, with
    the standard library alone (SQLAlchemy, the models and the services are not imported);
    None when only the core can tell (PostgreSQL, a file to upgrade or to refuse)."""
    from koordination.db.glance import first_glance as read
    from koordination.paths import resolve_url

    return read(resolve_url(url), clock.today())


def _refuse_missing_file(url: str) -> None:
    from sqlalchemy.engine import make_url

    from koordination.errors import DatabaseError

    try:
        parsed = make_url(url)
    except Exception:
        return  # Database() explains a malformed URL
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return
    path = Path(parsed.database)
    if parsed.database != ":memory:" and not path.exists():
        raise DatabaseError(
            f"Die Datenbankdatei {path} gibt es nicht; es wurde nichts angelegt. Tippfehler "
            "im Pfad? Eine neue Datenbank legt `koordination db upgrade --db DATEI` an (oder "
            "`koordination demo` eine mit Beispieldaten)."
        )
