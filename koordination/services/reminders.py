"""Minutes and reminders that go out by themselves (issue 18, section 3).

Work in progress: this module holds ``koordination minutes send`` (the
approved minutes with their PDF to the meeting's groups and the people
present, under the invitation consent) and ``koordination reminders run``
(meeting reminders some days before a date, task reminders before a task is
due; idempotent, meant for cron).
"""

from __future__ import annotations
