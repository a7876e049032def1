"""The German words of an invitation e-mail: subject line and text body.

An invitation goes out on the person's consent, so it says how to withdraw it (Art. 7 (3)
DSGVO: as easy as giving it): one sentence with the office's address from the city profile.
"""

from __future__ import annotations

from datetime import datetime

from koordination.domain.records.meetings import MeetingRecord

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


def german_day(value: datetime) -> str:
    return f"{WEEKDAYS[value.weekday()]}, {value:%d.%m.%Y}"


def when(m: MeetingRecord) -> str:
    text = f"{german_day(m.start)}, {m.start:%H:%M}–{m.end:%H:%M} Uhr"
    if m.rrule:
        from koordination.calendar.recurrence import RecurrenceRule

        text += f" ({RecurrenceRule.from_rrule(m.rrule).describe()})"
    return text


def subject(m: MeetingRecord, method: str, occurrence: datetime | None = None) -> str:
    if method == "CANCEL":
        day = occurrence or m.start
        return (
            f"Abgesagt: {m.title} am {day:%d.%m.%Y}"
            if occurrence or not m.rrule
            else (f"Abgesagt: {m.title} (ganze Serie)")
        )
    prefix = "Aktualisierte Einladung" if m.sequence else "Einladung"
    return f"{prefix}: {m.title} – {m.start:%d.%m.%Y}"


def withdrawal_sentence(office_email: str) -> str:
    """How to withdraw the consent to invitations, with the office's e-mail address."""
    to = f"an {office_email}" if office_email else "an die Koordinierungsstelle"
    return (
        "Ihre Einwilligung in diese Einladungen können Sie jederzeit ohne Angabe von Gründen "
        f"widerrufen: eine kurze Nachricht {to} genügt."
    )


def body_text(
    m: MeetingRecord,
    method: str,
    occurrence: datetime | None = None,
    office: str = "",
    office_email: str = "",
) -> str:
    """The text of the mail; an invitation (REQUEST) ends with how to withdraw the consent
    it rests on (``office_email``: the office's address from the city profile)."""
    lines = ["Guten Tag,", ""]
    if method == "CANCEL":
        if occurrence is not None:
            lines.append(f"der Termin „{m.title}“ am {german_day(occurrence)} entfällt.")
        elif m.rrule:
            lines.append(f"die Terminserie „{m.title}“ findet nicht mehr statt.")
        else:
            lines.append(f"der Termin „{m.title}“ am {german_day(m.start)} ist abgesagt.")
        lines += ["", "Ihr Kalender entfernt den Eintrag, wenn Sie die Absage annehmen."]
    else:
        intro = "der Termin hat sich geändert:" if m.sequence else "hiermit laden wir Sie ein:"
        lines += [intro, "", m.title, f"Wann: {when(m)}"]
        place = ", ".join(p for p in (m.room, m.address.replace("\n", ", ")) if p)
        if place:
            lines.append(f"Wo: {place}")
        if m.online_url:
            lines.append(f"Online: {m.online_url}")
        if m.description:
            lines += ["", m.description]
        lines += [
            "",
            "Die Einladung liegt als Kalendereintrag bei. Bitte sagen Sie in Ihrem Kalender zu "
            "oder ab; so wissen wir, mit wem wir rechnen können.",
        ]
    lines += ["", "Mit freundlichen Grüßen", office or "Ihre Koordinierungsstelle"]
    if method != "CANCEL":
        lines += ["", withdrawal_sentence(office_email)]
    return "\n".join(lines) + "\n"
