"""The sitting screen, one module per pane: agenda, attendance, minutes, tasks, workshop."""

from koordination.tui.screens.sitting.minutes import NotesArea
from koordination.tui.screens.sitting.screen import SittingScreen

__all__ = ["NotesArea", "SittingScreen"]
