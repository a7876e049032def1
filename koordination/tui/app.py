"""The Textual application: a light first frame, then the database opens in a worker thread."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import events, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.widgets import Header, Static

from koordination.clock import SYSTEM_CLOCK, Clock
from koordination.errors import KoordinationError
from koordination.tui.collector import Collector
from koordination.tui.commands import KoordinationCommands
from koordination.tui.early_keys import EarlyKeys
from koordination.tui.keys import VERBS, bind
from koordination.tui.messages import (
    AreasPrepared,
    DatabaseFailed,
    DatabaseReady,
    DataChanged,
    StartupDone,
)
from koordination.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from collections.abc import Mapping

    from textual.actions import ActionParseResult
    from textual.dom import DOMNode
    from textual.pilot import Pilot
    from textual.widgets import TabbedContent

    from koordination.core import Core
    from koordination.db.glance import Glance
    from koordination.db.roles import Access
    from koordination.tui.areas.base import Area
    from koordination.tui.areas.shell import Shell

# Everything heavy (SQLAlchemy, Alembic, the services, the areas' widgets) is imported after the
# first useful frame: on a SQLite file the Übersicht's figures are read with the standard
# library's sqlite3 (koordination.db.glance) and painted first, then the core loads behind them.

AREA_KEYS = [
    ("1", "overview", "Übersicht"),
    ("2", "people", "Personen"),
    ("3", "organisations", "Organisationen"),
    ("4", "groups", "Gruppen"),
    ("5", "city", "Stadtprofil"),
    ("6", "meetings", "Termine"),
    ("7", "tasks", "Aufgaben"),
    ("8", "surveys", "Umfragen"),
    ("9", "fields", "Handlungsfelder"),
    ("0", "network", "Netzwerk"),
]


#: Seconds between two areas built behind the Übersicht (keys are handled in between).
PREMOUNT_PAUSE = 0.02

#: Keys that act before the window stands: the area digits (the tab shows at once, the area
#: loads once the core is open) and quitting. Every other key typed then waits for it.
EARLY_KEYS = frozenset({*(key for key, _area, _label in AREA_KEYS), VERBS["quit"].key})

#: Verbs (tui/keys.py) that change data: refused to a login with the role Lesen.
EDIT_VERBS = frozenset(
    {
        *("new", "edit", "remove", "import", "item_up", "item_down", "copy", "done"),
        *("invite", "move", "cancel_date", "cancel_series", "answer", "fetch_answers"),
        *("accept", "guest", "sub_item", "present", "excused", "header", "decision", "task"),
        *("submit", "approve", "correct", "survey_status", "new_version", "from_bank"),
        *("to_bank", "kiosk", "indicator", "link", "unlink", "add_member", "end_member"),
        *("consent", "withdraw"),
    }
)
#: Verbs of data protection: for the role Datenschutz.
PRIVACY_VERBS = frozenset({"access_report", "erase", "run_rules", "restrict", "objection"})


class KoordinationApp(App[int]):
    """koordination's full-screen interface for the Koordinierungsstelle."""

    TITLE = "koordination"
    # Absolute, so subclasses (tests, embedding) in other folders find it too. The first frame
    # needs only the frame's and the lists' rules (the Übersicht, the tabs); the rules of forms,
    # meetings and surveys follow right after it (LATER_CSS), in this order behind them.
    CSS_PATH = [Path(__file__).with_name(name) for name in ("app.tcss", "lists.tcss")]
    LATER_CSS: ClassVar[list[Path]] = [
        Path(__file__).with_name(name) for name in ("forms.tcss", "meetings.tcss", "surveys.tcss")
    ]
    COMMANDS: ClassVar[set[Any]] = {KoordinationCommands}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        *(
            Binding(key, f"show_area('{area}')", label, show=False, tooltip=f"{label} anzeigen")
            for key, area, label in AREA_KEYS
        ),
        bind("help", "help", "Hilfe: Tastenkürzel"),
        bind("circulars", "open_circulars", "Rundmails: schreiben, senden, Verlauf", show=False),
        # In a text field the digits are text: Esc leaves the field, then they switch areas
        # (terminals do not agree on Alt+digit: some send "¢" for Alt+4).
        Binding(
            "escape",
            "leave_field",
            "Feld verlassen",
            tooltip="Textfeld verlassen, damit die Bereichstasten 1–0 wirken",
        ),
        bind("quit", "quit", "koordination beenden", priority=True),
        bind(
            "palette",
            "command_palette",
            "Befehlspalette: alle Befehle suchen",
            show=False,
            priority=True,
        ),
    ]

    def __init__(
        self, database_url: str, clock: Clock = SYSTEM_CLOCK, *, premount: bool | None = None
    ) -> None:
        from koordination.tui.german import apply

        apply()
        super().__init__()
        self.database_url = database_url
        #: Where "today" and "now" come from (tests and demos fix it to a day).
        self.clock = clock
        self.core: Core | None = None
        #: The Übersicht's first figures, read before the core (None: wait for the core).
        self.glance: Glance | None = None
        #: An area asked for (by its key) before the tabs existed: shown when they do.
        self._pending_area: str | None = None
        #: Keys typed before the window stands, typed again once it does ("2n": Personen,
        #: then a new person's form).
        self.early_keys = EarlyKeys(self, EARLY_KEYS, lambda: self.area(self._active_area_id()))
        #: The tabs with the areas, once composed (the splash stands before them).
        self._shell: Shell | None = None
        self._shell_mounted = False
        self._asking_to_quit = False
        #: The unexpected exception that ended the app (raised again by `run`, logged there).
        self.crash: Exception | None = None
        #: Why the database could not be opened (said again by `run` once the screen is gone).
        self.database_failure: str | None = None
        #: When the garbage collector runs: not during start-up, full rounds in pauses.
        self.collector = Collector()
        self._startup_done = False
        #: The login and its role on a shared database, read once in a worker after opening.
        self.access: Access | None = None
        #: Build and load the other areas behind the Übersicht once start-up is done, so a
        #: first visit only shows them. None: in a terminal, not headless (a test builds an
        #: area when it visits it, as before, unless it asks for this).
        self.premount = premount
        #: Set once every area is built and loading (behind the Übersicht or by visits).
        self.areas_premounted = asyncio.Event()

    def _handle_exception(self, error: Exception) -> None:
        # Textual would print the traceback with its local variables (names, addresses) on
        # the terminal; `run` raises it again instead, and the command line writes it into the
        # log file and says so in German.
        if self.crash is None:
            self.crash = error
        super()._handle_exception(error)
        self._exit_renderables.clear()

    # ------------------------------------------------------------------ startup
    def run(self, *args: Any, **kwargs: Any) -> int | None:
        """Textual's ``run``, with the garbage collector paused until the first screen is
        complete (see :mod:`koordination.tui.collector`)."""
        with self.collector.paused_for_start_up():
            return super().run(*args, **kwargs)

    @asynccontextmanager
    async def run_test(self, *args: Any, **kwargs: Any) -> AsyncIterator[Pilot[int]]:
        """Textual's ``run_test``, with the collector handled as ``run`` handles it, so that
        tests and benchmarks drive the app as a user's terminal runs it. The collector is
        handed back as it was when the app has ended (a test process goes on)."""
        try:
            with self.collector.paused_for_start_up():
                async with super().run_test(*args, **kwargs) as pilot:
                    yield pilot
        finally:
            self.collector.hand_back()

    def on_startup_done(self, message: StartupDone) -> None:
        if self._startup_done:
            return  # the Übersicht reloads after changes: start-up is done once
        self._startup_done = True
        self.collector.start_up_done()
        self.prepare_areas()

    # Best effort: an area that cannot be imported says so when it is visited, not before.
    @work(thread=True, exclusive=True, group="prepare-areas", exit_on_error=False)
    def prepare_areas(self) -> None:
        from koordination.tui.areas.shell import prepare_areas

        prepare_areas(self.core)
        self.post_message(AreasPrepared())

    def on_areas_prepared(self, message: AreasPrepared) -> None:
        self.collector.freeze_long_lived()  # the areas' modules, imported meanwhile
        wanted = self.premount if self.premount is not None else not self.is_headless
        if wanted and self.core is not None:
            self.premount_areas()

    @work(exclusive=True, group="premount-areas", exit_on_error=False)
    async def premount_areas(self) -> None:
        """Every other area built in its hidden tab and loaded while the Übersicht is read, so
        a first visit only shows it (a change saved meanwhile reloads it when it is shown, as
        for any area). One area at a time with a pause between: a key pressed meanwhile waits
        for one area at most."""
        from koordination.tui.areas.shell import AREA_SPECS

        for spec in AREA_SPECS:
            await asyncio.sleep(PREMOUNT_PAUSE)
            area = await self.ensure_area(spec.id)
            if area is not None:
                area.preload()
        self.areas_premounted.set()

    def compose(self) -> ComposeResult:
        from koordination.core import first_glance

        # Before the first frame: a few milliseconds with sqlite3 on the demo city (a worker,
        # started and waited for, made the figures come ~10 % later under load), a quarter of
        # a second on 100,000 people (where the core's own overview takes as long). With the
        # figures at hand the first frame is the Übersicht itself, not a splash; the core
        # loads only after it (its imports would compete with that frame).
        self.glance = first_glance(self.database_url, self.clock)
        yield Header()
        with Container(id="main"):
            splash = Static("Datenbank wird geöffnet …", id="splash")
            yield splash
            if self.glance is not None:
                from koordination.tui.areas.shell import Shell

                splash.display = False
                self._shell = Shell(id="shell")
                yield self._shell
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "koordination"
        self.sub_title = ""
        self.call_after_refresh(self._read_later_css)
        if self.glance is None:
            # PostgreSQL, or a file the core has to upgrade or refuse: the splash until then.
            self.open_database()
            self.call_after_refresh(self._mount_shell)
            return
        city = self.glance.city
        self._set_city_name(city.name if city else "")
        self._shell_mounted = True
        self._show_glance(self.glance)
        if self._pending_area is not None:
            self.switch_area(self._pending_area)
        self.call_after_refresh(self.open_database)

    def _read_later_css(self) -> None:
        """The rules the first frame does not use, added behind the first ones and applied to
        what is mounted by then (a form opened by a key typed during start-up included)."""
        self.stylesheet.read_all(self.LATER_CSS)
        self.stylesheet.parse()
        self.stylesheet.update(self)

    async def _mount_shell(self) -> None:
        from koordination.tui.areas.shell import Shell

        shell = self._shell = Shell(id="shell")
        shell.display = False
        await self.query_one("#main").mount(shell)
        self._shell_mounted = True
        if self._pending_area is not None:
            self.switch_area(self._pending_area)
        if self.core is not None:
            self._hand_down(self.core)

    @work(thread=True, exclusive=True, group="database")
    def open_database(self) -> None:
        try:
            from koordination.core import open_core

            core = open_core(self.database_url, clock=self.clock)
        except KoordinationError as exc:
            self.post_message(DatabaseFailed(exc.message))
        except Exception as exc:
            # Unexpected: `run` raises it again after the screen closed, and the command line
            # writes the traceback into the log file and says so in German (exit 70).
            self.crash = exc
            self.call_from_thread(self.exit, 70)
        else:
            self.post_message(DatabaseReady(core))

    def _show_glance(self, glance: Glance) -> None:
        """The figures from the file, in the Übersicht, before the core is open; keys switch
        areas already (an area visited now loads when the core is open)."""
        from koordination.tui.areas.overview import OverviewArea

        self.query_one("#splash").display = False
        self.query_one("#shell").display = True
        overview = self.area("overview")
        if isinstance(overview, OverviewArea):
            overview.show_glance(glance)

    def on_database_ready(self, message: DatabaseReady) -> None:
        core = self.core = message.core
        if core.upgrade_backup:
            self.notify(
                f"Die Datenbank wurde aktualisiert. Sicherung: {core.upgrade_backup}",
                title="Datenbank",
                timeout=10,
            )
        self.load_city_name()
        self.run_daily_backup()
        if self._shell_mounted:
            self._hand_down(core)

    def _hand_down(self, core: Core) -> None:
        self.query_one("#splash").display = False
        self.query_one("#shell").display = True
        for area in self.areas():
            area.ready(core)
        active = self._active_area_id()
        self._activate(active)
        self.type_early_keys()
        if active != "overview":
            # Left before the core was open (the figures came first): the Übersicht loads when
            # shown again, and what start-up put off must not wait for that.
            self.post_message(StartupDone())

    def on_database_failed(self, message: DatabaseFailed) -> None:
        from koordination.tui.dialogs.common import ErrorScreen

        if self._shell_mounted:
            self.query_one("#shell").display = False  # no figures beside the error
        self.query_one("#splash").display = True
        self.database_failure = message.message
        self.early_keys.drop()
        self.collector.start_up_done()
        self.query_one("#splash", Static).update("Die Datenbank konnte nicht geöffnet werden.")
        self.push_screen(ErrorScreen("Datenbank kann nicht geöffnet werden", message.message))

    def on_unmount(self) -> None:
        if self.core is not None:
            self.core.close()

    # ------------------------------------------------------------------ keys typed early
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.collector.input_seen(self.set_timer)
            if isinstance(event, events.Key) and self.early_keys.hold(event):
                return  # typed again once the window stands
        await super().on_event(event)

    @work(exclusive=True, group="early-keys")
    async def type_early_keys(self) -> None:
        await self.early_keys.type_again()

    @work(thread=True, exclusive=True, group="daily-backup")
    def run_daily_backup(self) -> None:
        """The daily backup, when switched on, after the window is usable (never blocks it)."""
        core = self.core
        if core is not None and (warning := core.daily_backup()):
            self.call_from_thread(
                self.notify, warning, title="Sicherung", severity="warning", timeout=15
            )

    # ------------------------------------------------------------------ city name in the header
    @work(thread=True, exclusive=True, group="city-name")
    def load_city_name(self) -> None:
        core = self.core
        if core is None:
            return
        try:
            city = core.directory.get_city()
            access = core.access  # one query on PostgreSQL, here off the UI thread
        except KoordinationError:
            return
        self.call_from_thread(self._set_city_name, city.name if city else "", access)

    def _set_city_name(self, name: str, access: Access | None = None) -> None:
        self.access = access or self.access
        self.sub_title = f"Koordinierungsstelle {name}" if name else "Kein Stadtprofil"
        if self.access is not None and self.access.shared:
            # The role first, so 80 columns show it: "Lesen (anna) · Koordinierungsstelle …"
            who = f"{self.access.label} ({self.access.login})"
            self.sub_title = f"{who} · {self.sub_title}"

    # ------------------------------------------------------------------ roles
    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Every key, button binding and palette command passes here: on a shared database
        what the login's role does not allow is refused with the German reason (the database
        would refuse it too, see koordination.db.roles, but only after a form was filled)."""
        refusal = self.refusal(action, default_namespace)
        if refusal is not None:
            self.notify(refusal, title="Nicht erlaubt", severity="warning", timeout=12)
            return True
        return await super().run_action(action, default_namespace, namespaces)

    def refusal(self, action: object, namespace: DOMNode | None) -> str | None:
        """Why the login may not run ``action`` of ``namespace`` (``None``: it may)."""
        if self.access is None or not isinstance(action, str) or namespace is None:
            return None
        from koordination.db.roles import EDIT, PRIVACY

        verb = next(
            (
                binding.id
                for cls in type(namespace).__mro__
                for binding in getattr(cls, "BINDINGS", ())
                if isinstance(binding, Binding) and binding.action == action
            ),
            None,
        )
        needs = PRIVACY if verb in PRIVACY_VERBS else EDIT if verb in EDIT_VERBS else None
        if needs is None or self.access.allows(needs):
            return None
        return self.access.refusal(needs)

    # ------------------------------------------------------------------ areas
    def areas(self) -> list[Area]:
        """The areas built so far (each is built on its first visit)."""
        return self._shell.mounted_areas() if self._shell is not None else []

    def area(self, area_id: str) -> Area | None:
        """The area ``area_id`` if it is mounted (areas are mounted on their first visit)."""
        return self._shell.areas.get(area_id) if self._shell is not None else None

    async def ensure_area(self, area_id: str) -> Area | None:
        """The area ``area_id``, mounted first if it was not visited yet."""
        from koordination.tui.areas.shell import SPECS

        if area_id not in SPECS or self._shell is None:
            return None
        built = area_id in self._shell.areas
        area = await self._shell.ensure_area(area_id, lambda: self.core)
        if not built and area is not None:
            self.collector.freeze_long_lived()  # it lives as long as the window
        return area

    def _tabs(self) -> TabbedContent | None:
        from textual.css.query import NoMatches

        if self._shell is None:
            return None
        try:
            return self._shell.tabs
        except NoMatches:
            return None  # the shell is not composed yet

    def _active_area_id(self) -> str:
        tabs = self._tabs()
        return tabs.active.removeprefix("tab-") if tabs and tabs.active else "overview"

    def _activate(self, area_id: str) -> None:
        for area in self.areas():
            if area.id == area_id:
                area.activate()
            else:
                area.deactivate()

    async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.tabbed_content.id != "areas" or not event.pane.id:
            return
        area_id = event.pane.id.removeprefix("tab-")
        await self.ensure_area(area_id)
        if self.core is not None and self._active_area_id() == area_id:
            self._activate(area_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Area keys belong to the main window: under a form or a sitting they would switch
        # the tabs behind the user's back.
        if (
            action in ("show_area", "area_action", "leave_field", "open_circulars")
            and len(self.screen_stack) > 1
        ):
            return False
        if action == "leave_field":
            return is_text_field(self.focused)
        return True

    def action_open_circulars(self) -> None:
        """O (or the palette): the circular e-mails, over whatever area is in front."""
        if self.core is None:
            return
        from koordination.tui.screens.circulars import CircularsScreen

        self.push_screen(CircularsScreen(self.core))

    def action_leave_field(self) -> None:
        """Esc in a text field of the main window: leave it, so the area keys work again."""
        area = self.area(self._active_area_id())
        if area is not None:
            area.focus_default()
        else:
            self.set_focus(None)

    async def action_show_area(self, area_id: str) -> None:
        tabs = self._tabs()
        if tabs is None:
            self._pending_area = area_id  # pressed before the tabs were built: shown then
            return
        if tabs.active == f"tab-{area_id}":
            return
        if self.area(area_id) is None and self.core is not None:
            # First visit: built in its hidden tab and loading before the tab is shown, so the
            # first frame shows the area (not an empty tab) while the rows are on their way.
            area = await self.ensure_area(area_id)
            if area is not None and tabs.active != f"tab-{area_id}":
                area.activate()
        self.switch_area(area_id)

    def switch_area(self, area_id: str) -> None:
        """Show the tab of ``area_id`` (an area not visited yet is built when its tab shows)."""
        tabs = self._tabs()
        if tabs is not None and tabs.active != f"tab-{area_id}":
            # Focus left in the old pane would pull the tabs back to it when it hides.
            self.set_focus(None)
            tabs.active = f"tab-{area_id}"

    async def action_area_action(self, area_id: str, action: str) -> None:
        await self.action_show_area(area_id)
        area = await self.ensure_area(area_id)
        if area is not None:
            self._activate(area_id)
            await area.run_action(action)

    def on_data_changed(self, message: DataChanged) -> None:
        for area in self.areas():
            area.something_changed(message.what)
        if message.what == "city":
            self.load_city_name()

    def show_measures_for(self, kind: str, target_id: int) -> None:
        """The way back from evidence to action: which measures a decision (``kind``
        "decision"), task ("task") or survey question ("survey") drives. Any screen may ask;
        the measures show over it."""
        from koordination.tui.areas.fields import FieldsArea

        if kind not in ("decision", "task", "survey"):
            return
        area = self.area("fields")
        if isinstance(area, FieldsArea):
            area.trace(kind, target_id)  # type: ignore[arg-type]
            return

        async def first_visit() -> None:
            # Never visited: mounted (hidden) first; the measures show over the current screen.
            mounted = await self.ensure_area("fields")
            if isinstance(mounted, FieldsArea):
                mounted.trace(kind, target_id)  # type: ignore[arg-type]

        self.call_later(first_visit)

    # ------------------------------------------------------------------ nothing lost
    def input_holders(self) -> list[Any]:
        """Screens and widgets in the whole screen stack that hold the user's input: they
        answer ``unsaved_changes()`` and write pending saves on ``flush_saves()``."""
        holders: list[Any] = []
        for screen in self.screen_stack:
            for node in (screen, *screen.walk_children(with_self=False)):
                if callable(getattr(node, "unsaved_changes", None)):
                    holders.append(node)
        return holders

    def flush_saves(self) -> list[Any]:
        """Write every pending (debounced) save now; returns the holders still unsaved."""
        holders = self.input_holders()
        for holder in holders:
            flush = getattr(holder, "flush_saves", None)
            if callable(flush):
                try:
                    flush()
                except KoordinationError as exc:
                    self.notify(exc.message, title="Nicht gespeichert", severity="error")
        return [holder for holder in holders if holder.unsaved_changes()]

    async def action_quit(self) -> None:
        """Ctrl+Q: save what saves by itself, ask before throwing away what does not."""
        from koordination.tui.dialogs.form import ConfirmScreen

        if self._asking_to_quit:
            self.exit()  # Ctrl+Q twice: the user means it
            return
        if not self.flush_saves():
            self.exit()
            return

        def answer(discard: bool | None) -> None:
            self._asking_to_quit = False
            if discard:
                self.exit()

        self._asking_to_quit = True
        self.push_screen(
            ConfirmScreen(
                "Änderungen verwerfen?",
                [
                    "Ein Formular enthält Änderungen, die noch nicht gespeichert sind.",
                    "Zurück und mit Strg+S speichern, oder verwerfen und beenden.",
                ],
                "Verwerfen und beenden",
                "Zurück",
                default="no",  # Enter after Strg+Q must not throw input away
            ),
            answer,
        )

    # ------------------------------------------------------------------ help and palette
    def key_sections(self) -> list[tuple[str, list[Binding]]]:
        """The help screen's sections: every key, where it works (see koordination.tui.key_help)."""
        from koordination.tui.key_help import key_sections

        return key_sections([b for b in self.BINDINGS if isinstance(b, Binding)])

    def action_help(self) -> None:
        from koordination.tui.dialogs.common import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.key_sections()))

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from koordination.tui.commands import GermanCommandPalette

        if self.use_command_palette and not CommandPalette.is_open(cast("App[object]", self)):
            self.push_screen(GermanCommandPalette())

    def palette_context(self) -> str:
        """The area in front, so its commands come first in the palette."""
        return self._active_area_id() if len(self.screen_stack) <= 2 else ""

    def command_entries(self) -> list[tuple[str, str, str]]:
        """(title, help, action) for the command palette."""
        from koordination.tui.areas.shell import area_classes
        from koordination.tui.dialogs.common import key_label

        entries = [
            (f"{label} anzeigen", f"Taste {key}", f"app.show_area('{area}')")
            for key, area, label in AREA_KEYS
        ]
        for area_id, _key, cls in area_classes():
            for b in cls.BINDINGS:
                if isinstance(b, Binding) and b.tooltip:
                    entries.append(
                        (
                            b.tooltip,
                            f"{cls.TITLE}, Taste {key_label(b)}",
                            f"app.area_action('{area_id}', '{b.action}')",
                        )
                    )
        for screen in self.screen_stack:
            # Screens over the main window (a sitting) add what can be done there now.
            palette_entries = getattr(screen, "palette_entries", None)
            if palette_entries is not None:
                entries = palette_entries() + entries
        entries += [
            ("Rundmails: schreiben, senden, Verlauf", "Taste O", "app.open_circulars"),
            ("Hilfe: Tastenkürzel", "Taste F1", "app.help"),
            ("Farbschema wechseln", "Helles oder dunkles Design wählen", "app.change_theme"),
            ("Beenden", "Taste Strg+Q", "app.quit"),
        ]
        return entries


def is_text_field(widget: object) -> bool:
    """True for an Input or a TextArea. The footer asks at start, before any text area exists:
    importing TextArea only to learn that nothing is one cost the first screen ~10 ms."""
    from textual.widgets import Input

    if isinstance(widget, Input):
        return True
    text_area = sys.modules.get("textual.widgets._text_area")
    return text_area is not None and isinstance(widget, text_area.TextArea)


def run(database_url: str) -> int:
    """Start the interface on ``database_url``; returns the exit code. An unexpected error
    that ended the interface is raised again (the caller logs it): never exit 0 after a crash."""
    app = KoordinationApp(database_url)
    app.run()
    if app.crash is not None:
        raise app.crash
    if app.database_failure is not None:
        # The dialog vanished with the screen: the terminal keeps the reason, exit status 1.
        raise KoordinationError(app.database_failure)
    return app.return_code or 0
