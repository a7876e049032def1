"""What every area of the main window shares: access to the core and worker helpers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from textual import work
from textual.containers import Vertical

from koordination.errors import KoordinationError
from koordination.tui.messages import DataChanged

if TYPE_CHECKING:
    from koordination.core import Core
    from koordination.tui.app import KoordinationApp

T = TypeVar("T")


class Area(Vertical):
    """One area (tab) of the main window. The app hands down the ``core`` once it is open."""

    #: German name of the area, as in the navigation.
    TITLE: ClassVar[str] = ""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.core: Core | None = None
        self.active = False
        #: True while what is shown may be outdated; an area loads only when it is shown.
        self.stale = True

    def ready(self, core: Core) -> None:
        """The database is open: load the data (now if shown, else when first shown)."""
        self.core = core
        self.stale = True
        if self.active:
            self.activate()

    def activate(self) -> None:
        self.active = True
        if self.stale and self.core is not None:
            self.stale = False
            self.load_all()
        # After the pane is shown: focusing a hidden widget would switch the tabs back.
        self.call_after_refresh(self._focus_if_active)

    def preload(self) -> None:
        """Load while hidden (built behind the Übersicht), so the first visit shows the data
        at once; a change saved before that visit makes it stale again, as for any area."""
        if self.stale and self.core is not None and not self.active:
            self.stale = False
            self.load_all()

    def _focus_if_active(self) -> None:
        if self.active and self.display and self.parent is not None and self.parent.display:
            self.focus_default()

    def deactivate(self) -> None:
        self.active = False

    def focus_default(self) -> None:
        """Put the focus where work in this area starts."""

    def shown_width(self) -> int:
        """The width of the area's content: its own once laid out, else (while it is built,
        before its first frame) the screen's less the area's padding. Classes set from it in
        ``compose`` style the children once, instead of again right after they were mounted."""
        return self.size.width or max(0, self.app.size.width - self.styles.gutter.width)

    def load_all(self) -> None:
        """Everything the area shows, including choices of its filters."""
        self.reload()

    def reload(self, keep_position: bool = False) -> None:
        """Load (again) what the area shows."""

    def something_changed(self, what: str) -> None:
        if self.active and self.core is not None:
            self.data_changed(what)
        else:
            self.stale = True

    def data_changed(self, what: str) -> None:
        """Something was saved; reload what concerns this area."""
        self.reload(keep_position=True)

    def today(self) -> date:
        """Today in the city by the core's clock (the app's, before the core is open)."""
        if self.core is not None:
            return self.core.clock.today()
        return cast("KoordinationApp", self.app).clock.today()

    def changed(self, what: str) -> None:
        self.post_message(DataChanged(what))

    def needs_core(self) -> Core | None:
        if self.core is None:
            self.notify("Die Datenbank ist noch nicht geöffnet.", severity="warning")
        return self.core

    @work(thread=True, group="service")
    def call_service(
        self,
        call: Callable[[], T],
        done: Callable[[T], Any] | None = None,
        failed: Callable[[KoordinationError], Any] | None = None,
    ) -> None:
        """Run one use case off the UI thread; German errors become notifications."""
        try:
            result = call()
        except KoordinationError as exc:
            self.app.call_from_thread(self._failed, exc, failed)
        except Exception as exc:  # the UI must survive anything the database throws
            self.app.call_from_thread(
                self._failed, KoordinationError(f"Unerwarteter Fehler: {exc}"), failed
            )
        else:
            if done is not None:
                self.app.call_from_thread(done, result)

    def _failed(
        self, exc: KoordinationError, failed: Callable[[KoordinationError], Any] | None
    ) -> None:
        self.notify(exc.message, title="Fehler", severity="error", timeout=12)
        if failed is not None:
            failed(exc)
