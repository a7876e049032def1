"""Pure iCalendar work: events as plain data, recurrence expansion, building and parsing .ics.

Nothing here touches the database; services hand in :class:`~koordination.calendar.events.Event`.
"""
