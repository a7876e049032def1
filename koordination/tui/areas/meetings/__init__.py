"""The Termine area: the view (agenda, month, detail), the actions on dates and the area with
its keys and invitation actions."""

from koordination.tui.areas.meetings.area import MeetingsArea

__all__ = ["MeetingsArea"]
