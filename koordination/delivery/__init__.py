"""Getting meetings to people: .ics files, iMIP e-mail and CalDAV calendars."""
