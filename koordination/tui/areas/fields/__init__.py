"""The Handlungsfelder area: action fields → goals → measures as a tree, with status colours,
progress bars, indicators and the decisions, tasks and survey results behind each measure."""

from koordination.tui.areas.fields.area import FieldsArea

__all__ = ["FieldsArea"]
